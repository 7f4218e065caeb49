from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from emails.models import Suppression
from newsletters.admin import ConsentEventInline

from .models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
        ("Email delivery", {"fields": ("email_delivery",)}),
    )
    # What the member agreed to receive, when and where: UK GDPR asks us to be able to show it.
    inlines = [ConsentEventInline]
    readonly_fields = ("email_delivery",)

    @admin.display(description="Email delivery")
    def email_delivery(self, obj: User) -> str:
        # Why we no longer email this member, as the provider's webhooks told us.
        suppression = Suppression.objects.filter(address=obj.email.lower()).first()
        if suppression is None:
            return "Delivering normally: no bounce, complaint or unsubscribe recorded."
        return suppression.explain()

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


# Staff sign in through allauth's login page, so the admin shares its rate limits,
# passkeys and sign-in by code instead of Django's unthrottled admin login form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
