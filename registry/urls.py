from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("goi-y/<str:kind>/", views.SuggestView.as_view(), name="suggest"),
    # Units
    path("don-vi/", views.UnitListView.as_view(), name="unit_list"),
    path("don-vi/them/", views.UnitCreateView.as_view(), name="unit_create"),
    path("don-vi/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("don-vi/<int:pk>/sua/", views.UnitUpdateView.as_view(), name="unit_update"),
    path("don-vi/<int:pk>/truc-thuoc/", views.UnitChildrenView.as_view(), name="unit_children"),
    path("don-vi/<int:pk>/phan-quyen/", views.MembershipCreateView.as_view(), name="membership_create"),
    path("phan-quyen/<int:pk>/xoa/", views.MembershipDeleteView.as_view(), name="membership_delete"),
    # Reorganisations of the units
    path("to-chuc/sap-xep/", views.ReorganisationListView.as_view(), name="reorganisation_list"),
    path("to-chuc/sap-xep/them/", views.ReorganisationCreateView.as_view(), name="reorganisation_create"),
    path("to-chuc/sap-xep/<int:pk>/", views.ReorganisationDetailView.as_view(), name="reorganisation_detail"),
    path(
        "to-chuc/sap-xep/<int:pk>/tien-do/",
        views.ReorganisationProgressView.as_view(),
        name="reorganisation_progress",
    ),
    path("to-chuc/sap-xep/<int:pk>/them-buoc/", views.StepAddView.as_view(), name="reorganisation_step_add"),
    path(
        "to-chuc/sap-xep/<int:pk>/buoc/<int:number>/phan-mo-hinh/",
        views.AssignView.as_view(),
        name="reorganisation_assign",
    ),
    path(
        "to-chuc/sap-xep/<int:pk>/buoc/<int:number>/xoa/",
        views.StepDeleteView.as_view(),
        name="reorganisation_step_delete",
    ),
    path("to-chuc/sap-xep/<int:pk>/thuc-hien/", views.ApplyView.as_view(), name="reorganisation_apply"),
    path("to-chuc/sap-xep/<int:pk>/hoan-tac/", views.UndoView.as_view(), name="reorganisation_undo"),
    path(
        "to-chuc/sap-xep/<int:pk>/xoa/",
        views.ReorganisationDeleteView.as_view(),
        name="reorganisation_delete",
    ),
    # Groups of units that compete together (cụm, khối thi đua)
    path("nhom-don-vi/", views.UnitGroupListView.as_view(), name="group_list"),
    path("nhom-don-vi/them/", views.UnitGroupCreateView.as_view(), name="group_create"),
    path("nhom-don-vi/<int:pk>/", views.UnitGroupDetailView.as_view(), name="group_detail"),
    path("nhom-don-vi/<int:pk>/sua/", views.UnitGroupUpdateView.as_view(), name="group_update"),
    path("nhom-don-vi/<int:pk>/xoa/", views.UnitGroupDeleteView.as_view(), name="group_delete"),
    # Fields
    path("linh-vuc/", views.FieldListView.as_view(), name="field_list"),
    path("linh-vuc/them/", views.FieldCreateView.as_view(), name="field_create"),
    path("linh-vuc/<int:pk>/sua/", views.FieldUpdateView.as_view(), name="field_update"),
    # Initiatives and their yearly registrations
    path("mo-hinh/", views.RegistrationListView.as_view(), name="registration_list"),
    path(
        "mo-hinh/tai-ve.<str:format>",
        views.RegistrationExportView.as_view(),
        name="registration_export",
    ),
    path("mo-hinh/cot/", views.ListColumnsView.as_view(), name="list_columns"),
    path("mo-hinh/bo-loc/", views.SavedFilterListView.as_view(), name="savedfilter_list"),
    path("mo-hinh/bo-loc/luu/", views.SavedFilterCreateView.as_view(), name="savedfilter_create"),
    path("mo-hinh/bo-loc/<int:pk>/sua/", views.SavedFilterUpdateView.as_view(), name="savedfilter_update"),
    path("mo-hinh/bo-loc/<int:pk>/xoa/", views.SavedFilterDeleteView.as_view(), name="savedfilter_delete"),
    path("mo-hinh/them/", views.InitiativeCreateView.as_view(), name="initiative_create"),
    path("mo-hinh/<int:pk>/", views.InitiativeDetailView.as_view(), name="initiative_detail"),
    path("mo-hinh/<int:pk>/sua/", views.InitiativeUpdateView.as_view(), name="initiative_update"),
    path("mo-hinh/<int:pk>/xoa/", views.InitiativeDeleteView.as_view(), name="initiative_delete"),
    path("mo-hinh/<int:pk>/khoi-phuc/", views.InitiativeRestoreView.as_view(), name="initiative_restore"),
    path(
        "mo-hinh/<int:initiative_pk>/dang-ky/",
        views.RegistrationCreateView.as_view(),
        name="registration_create",
    ),
    path("mo-hinh/<int:initiative_pk>/tep/", views.AttachmentCreateView.as_view(), name="attachment_create"),
    path("dang-ky/<int:pk>/sua/", views.RegistrationUpdateView.as_view(), name="registration_update"),
    path("dang-ky/<int:pk>/xet-duyet/", views.RegistrationReviewView.as_view(), name="registration_review"),
    path("dang-ky/<int:pk>/cham-diem/", views.RegistrationScoreView.as_view(), name="registration_score"),
    path("xet-duyet/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("dang-ky/<int:pk>/xoa/", views.RegistrationDeleteView.as_view(), name="registration_delete"),
    path("dang-ky/<int:pk>/khoi-phuc/", views.RegistrationRestoreView.as_view(), name="registration_restore"),
    path("tep/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("tep/<int:pk>/xoa/", views.AttachmentDeleteView.as_view(), name="attachment_delete"),
    # Decisions
    path("quyet-dinh/", views.DecisionListView.as_view(), name="decision_list"),
    path("quyet-dinh/them/", views.DecisionCreateView.as_view(), name="decision_create"),
    path("quyet-dinh/<int:pk>/", views.DecisionDetailView.as_view(), name="decision_detail"),
    path("quyet-dinh/<int:pk>/sua/", views.DecisionUpdateView.as_view(), name="decision_update"),
    path("quyet-dinh/<int:pk>/xoa/", views.DecisionDeleteView.as_view(), name="decision_delete"),
    path("quyet-dinh/<int:pk>/khoi-phuc/", views.DecisionRestoreView.as_view(), name="decision_restore"),
    path("quyet-dinh/<int:pk>/van-ban/", views.DecisionDocumentView.as_view(), name="decision_document"),
    path(
        "quyet-dinh/<int:pk>/mo-hinh/",
        views.DecisionRegistrationsView.as_view(),
        name="decision_registrations",
    ),
    # Campaigns of the yearly cycle
    path("dot-thi-dua/", views.CampaignListView.as_view(), name="campaign_list"),
    path("dot-thi-dua/them/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("dot-thi-dua/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("dot-thi-dua/<int:pk>/sua/", views.CampaignUpdateView.as_view(), name="campaign_update"),
    path("dot-thi-dua/<int:pk>/van-ban/", views.CampaignDocumentView.as_view(), name="campaign_document"),
    path("dot-thi-dua/<int:pk>/tien-do/", views.CampaignBoardView.as_view(), name="campaign_board"),
    path("dot-thi-dua/<int:pk>/tieu-chi/", views.CampaignCriteriaView.as_view(), name="campaign_criteria"),
    path(
        "dot-thi-dua/<int:pk>/tien-do/nhac-nho/", views.CampaignRemindView.as_view(), name="campaign_remind"
    ),
    # Notifications
    path("thong-bao/", views.NotificationListView.as_view(), name="notification_list"),
    path("thong-bao/da-doc/", views.NotificationReadView.as_view(), name="notification_read"),
    # Proposals to the level above, and the decisions issued from them
    path("de-nghi/", views.ProposalListView.as_view(), name="proposal_list"),
    path("de-nghi/them/", views.ProposalCreateView.as_view(), name="proposal_create"),
    path("de-nghi/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("de-nghi/<int:pk>/sua/", views.ProposalUpdateView.as_view(), name="proposal_update"),
    path("de-nghi/<int:pk>/thao-tac/", views.ProposalActionView.as_view(), name="proposal_action"),
    path("de-nghi/<int:pk>/quyet-dinh/", views.DecisionFromProposalView.as_view(), name="proposal_decision"),
    # History and undo
    path("lich-su/<slug:model>/<int:pk>/", views.HistoryView.as_view(), name="history"),
    path(
        "lich-su/<slug:model>/<int:pk>/khoi-phuc/<int:history_id>/<slug:field>/",
        views.HistoryRevertView.as_view(),
        name="history_revert",
    ),
    path("da-xoa/", views.TrashView.as_view(), name="trash"),
    path("nhat-ky/", views.ChangeLogView.as_view(), name="changelog"),
    path("nhat-ky/tai-ve/", views.ChangeLogExportView.as_view(), name="changelog_export"),
]
