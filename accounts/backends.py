from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class UserWithUnitBackend(ModelBackend):
    """Load the user with its unit and province: every page shows them."""

    def get_user(self, user_id):
        user = User.objects.select_related("unit", "province").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
