from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class UserWithUnitBackend(ModelBackend):
    """Load the user with its unit and province: every page shows them."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("unit", "province").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
