"""The text of the demo's pledge (the seed article's 2022 pledge), shared by seed_demo and seed_scale."""

PLEDGE_GROUNDS = """Căn cứ Luật Thi đua, Khen thưởng năm 2003 và các Luật sửa đổi, bổ sung;
Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, Khen thưởng;
Căn cứ Quy chế hoạt động của Khối thi đua các sở, ngành Khoa học - Văn hoá - Xã hội."""

PLEDGE_INTRODUCTION = (
    "Nhằm tạo động lực thi đua sôi nổi, rộng khắp, góp phần hoàn thành thắng lợi nhiệm vụ chính trị của "
    "từng cơ quan, đơn vị, các đơn vị thành viên trong Khối thống nhất ký kết giao ước thi đua với những nội "
    "dung trọng tâm sau:"
)

PLEDGE_ITEMS = [
    "Phấn đấu hoàn thành và hoàn thành vượt mức các chỉ tiêu, nhiệm vụ phát triển kinh tế - xã hội năm được "
    "Hội đồng nhân dân và Ủy ban nhân dân tỉnh giao cho từng đơn vị.",
    "Quán triệt và thực hiện nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước về công tác thi "
    "đua, khen thưởng; đổi mới nội dung, hình thức tổ chức các phong trào thi đua.",
    "Hưởng ứng và triển khai có hiệu quả các phong trào thi đua do Thủ tướng Chính phủ và Ủy ban nhân dân "
    "tỉnh phát động.",
    'Đẩy mạnh phong trào "Toàn dân đoàn kết xây dựng đời sống văn hoá" và các phong trào thi đua yêu nước '
    "gắn với nhiệm vụ chuyên môn của đơn vị.",
    "Xây dựng tổ chức bộ máy tinh gọn, hoạt động hiệu lực, hiệu quả; đẩy mạnh cải cách hành chính và chuyển đổi số.",
    "Nâng cao chất lượng công tác xây dựng Đảng, xây dựng cơ quan, đơn vị trong sạch, vững mạnh toàn diện.",
    "Kiện toàn và duy trì hoạt động thường xuyên của Hội đồng Thi đua - Khen thưởng của đơn vị; phát hiện, "
    "bồi dưỡng và nhân rộng các điển hình tiên tiến.",
    "Tham gia đầy đủ, tích cực các hoạt động của Khối; phối hợp chặt chẽ, chia sẻ kinh nghiệm giữa các đơn vị "
    "thành viên để Khối hoạt động ngày càng hiệu quả.",
]

PLEDGE_IMPLEMENTATION = (
    "Thủ trưởng các đơn vị thành viên có trách nhiệm quán triệt nội dung giao ước đến toàn thể cán bộ, công "
    "chức, viên chức và người lao động; cụ thể hoá thành kế hoạch thi đua của đơn vị.\n"
    "Khối trưởng chủ trì, phối hợp với Khối phó theo dõi, đôn đốc việc thực hiện; tổ chức sơ kết, tổng kết và "
    "bình xét thi đua theo quy định."
)
