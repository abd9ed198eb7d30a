from django.urls import path

from . import builder_views, groupviews, views
from .documents import views as documents

app_name = "reports"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("bieu-tong-hop/", views.ReportView.as_view(), name="report"),
    path("bieu-tong-hop/don-vi-cu/", views.FormerUnitsView.as_view(), name="report_formers"),
    path("bieu-tong-hop/bao-cao.docx", documents.ReportDocumentView.as_view(), name="report_docx"),
    path("quyet-dinh/<int:pk>/du-thao.docx", documents.DecisionDraftView.as_view(), name="decision_docx"),
    path(
        "quyet-dinh/<int:pk>/giay-chung-nhan.pdf",
        documents.CertificatesView.as_view(),
        name="decision_certificates",
    ),
    path("bang-tuy-chon/", builder_views.BuilderView.as_view(), name="builder"),
    path("bang-tuy-chon/tai-xuong.xlsx", builder_views.BuilderExportView.as_view(), name="builder_xlsx"),
    path("bang-tuy-chon/luu/", builder_views.SavedTableCreateView.as_view(), name="savedtable_create"),
    path(
        "bang-tuy-chon/<int:pk>/sua/", builder_views.SavedTableUpdateView.as_view(), name="savedtable_update"
    ),
    path(
        "bang-tuy-chon/<int:pk>/xoa/", builder_views.SavedTableDeleteView.as_view(), name="savedtable_delete"
    ),
    path("nhom/<int:pk>/", groupviews.GroupReportView.as_view(), name="group_report"),
    path("nhom/<int:pk>/tai-xuong.xlsx", groupviews.GroupWorkbookView.as_view(), name="group_xlsx"),
    path("tai-xuong.xlsx", views.ExportView.as_view(), name="export_xlsx"),
    path("tep/<int:pk>/", views.WorkbookDetailView.as_view(), name="workbook_detail"),
    path("tep/<int:pk>/tai-ve/", views.WorkbookDownloadView.as_view(), name="workbook_download"),
]
