from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("delete/", views.delete_account, name="delete"),
    path("passkey/sign-in/", views.passkey_login, name="passkey_login"),
]
