from django import forms

from .models import Newsletter


class NewsletterField(forms.ModelMultipleChoiceField):
    """One box per newsletter, labelled with its name and description; none ticked for you."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name}: {obj.description}" if obj.description else obj.name


class NewsletterChoiceForm(forms.Form):
    newsletters = NewsletterField(
        queryset=Newsletter.objects.all(), required=False, label="Newsletters"
    )
