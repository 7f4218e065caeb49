from django.urls import path

from . import views

app_name = "giftsubs"

urlpatterns = [
    path("give/", views.give, name="give"),
    path("give/thanks/", views.thanks, name="thanks"),
    path("give/redeem/<str:token>/", views.redeem, name="redeem"),
]
