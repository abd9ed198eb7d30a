from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.UploadView.as_view(), name="upload"),
    path("tep-mau/", views.TemplateDownloadView.as_view(), name="template"),
    path("<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("<int:pk>/tien-do/", views.BatchProgressView.as_view(), name="batch_progress"),
    path("<int:pk>/xac-nhan/", views.BatchConfirmView.as_view(), name="batch_confirm"),
    path("<int:pk>/huy/", views.BatchDeleteView.as_view(), name="batch_delete"),
    path("don-vi/", views.UnitUploadView.as_view(), name="unit_upload"),
    path("don-vi/tep-mau/", views.UnitTemplateView.as_view(), name="unit_template"),
    path("sap-xep/", views.ReorganisationUploadView.as_view(), name="reorganisation_upload"),
    path("sap-xep/tep-mau/", views.ReorganisationTemplateView.as_view(), name="reorganisation_template"),
    path("duy-tri-nam-sau/", views.RolloverView.as_view(), name="rollover"),
    path("thao-tac-hang-loat/", views.BulkActionView.as_view(), name="bulk"),
    path("thao-tac-hang-loat/<int:pk>/", views.BulkJobDetailView.as_view(), name="bulkjob_detail"),
    path("thao-tac-hang-loat/quyet-dinh/<int:pk>/", views.BulkDecisionView.as_view(), name="bulk_decision"),
    path(
        "thao-tac-hang-loat/<int:pk>/tien-do/", views.BulkJobProgressView.as_view(), name="bulkjob_progress"
    ),
]
