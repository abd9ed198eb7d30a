"""The form of one review step: the action taken and its reason."""

from django import forms

from ..choices import ReviewAction


class ReviewStepForm(forms.Form):
    """Submit, withdraw, accept, return or reopen, with a comment (a return's reason)."""

    action = forms.ChoiceField(
        choices=[(a.value, a.label) for a in ReviewAction if a != ReviewAction.FORWARD]
    )
    comment = forms.CharField(required=False, max_length=2000)
