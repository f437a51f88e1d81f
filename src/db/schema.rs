//! One hand-maintained schema for both backends (only the SQL types MultiBackend supports).

diesel::table! {
    authorities (code) {
        code -> Text,
        name -> Text,
        kind -> Text,
        stats_province -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    offices (code) {
        code -> Text,
        name -> Text,
        authority_code -> Text,
        area_code -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        role -> Text,
        office_code -> Nullable<Text>,
        authority_code -> Nullable<Text>,
        password_hash -> Text,
        must_change_password -> Bool,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        subject -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        actor_role -> Nullable<Text>,
        ip -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        authority_code -> Nullable<Text>,
        summary -> Text,
    }
}

diesel::table! {
    parties (id) {
        id -> BigInt,
        party_key -> Text,
        kind -> Text,
        name -> Text,
        name_norm -> Text,
        country_code -> Text,
        admin_code -> Text,
        id_code -> Text,
        nature_code -> Text,
        address -> Text,
        zipcode -> Text,
        representative -> Text,
        contact -> Text,
        phone -> Text,
        home_authority -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    contracts (id) {
        id -> BigInt,
        office_code -> Text,
        authority_code -> Text,
        status -> Text,
        version -> Integer,
        registration_number -> Nullable<Text>,
        registered_on -> Nullable<Date>,
        review_note -> Nullable<Text>,
        draft_input -> Nullable<Text>,
        checklist_confirmed -> Bool,
        project_name -> Text,
        project_name_norm -> Text,
        signed_on -> Nullable<Date>,
        valid_from -> Nullable<Date>,
        valid_to -> Nullable<Date>,
        category_code -> Text,
        ip_code -> Text,
        tech_field_code -> Text,
        objective_code -> Text,
        plan_code -> Text,
        plan_name -> Text,
        payment_code -> Text,
        non_technical_note -> Text,
        third_party_name -> Text,
        is_related -> Bool,
        total_fen -> Nullable<BigInt>,
        technical_fen -> Nullable<BigInt>,
        expected_investment_fen -> Nullable<BigInt>,
        expected_output_fen -> Nullable<BigInt>,
        seller_uscc_override -> Text,
        buyer_uscc_override -> Text,
        seller_party_id -> Nullable<BigInt>,
        buyer_party_id -> Nullable<BigInt>,
        seller_name -> Text,
        seller_country_code -> Text,
        seller_admin_code -> Text,
        seller_uscc -> Text,
        seller_nature_code -> Text,
        seller_address -> Text,
        seller_zipcode -> Text,
        seller_representative -> Text,
        seller_contact -> Text,
        seller_phone -> Text,
        seller_name_norm -> Text,
        buyer_name -> Text,
        buyer_country_code -> Text,
        buyer_admin_code -> Text,
        buyer_uscc -> Text,
        buyer_nature_code -> Text,
        buyer_address -> Text,
        buyer_zipcode -> Text,
        buyer_representative -> Text,
        buyer_contact -> Text,
        buyer_phone -> Text,
        buyer_name_norm -> Text,
        duplicate_key -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        first_approved_by -> Nullable<BigInt>,
        review_due_on -> Nullable<Date>,
        amended_on -> Nullable<Date>,
    }
}

diesel::table! {
    review_rules (id) {
        id -> BigInt,
        authority_code -> Text,
        effective_from -> Date,
        second_review_fen -> BigInt,
        deadline -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    amendments (id) {
        id -> BigInt,
        contract_id -> BigInt,
        kind -> Text,
        status -> Text,
        version -> Integer,
        reason -> Text,
        base_version -> Integer,
        before_input -> Text,
        after_input -> Nullable<Text>,
        changes -> Text,
        technical_fen -> Nullable<BigInt>,
        filed_by -> Nullable<BigInt>,
        filed_by_name -> Text,
        filed_at -> Timestamp,
        first_approved_by -> Nullable<BigInt>,
        decided_by -> Nullable<BigInt>,
        decided_by_name -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
    }
}

diesel::table! {
    income_entries (id) {
        id -> BigInt,
        contract_id -> BigInt,
        period_from -> Date,
        period_to -> Date,
        received_fen -> BigInt,
        verified_fen -> BigInt,
        verifier -> Text,
        verified_on -> Date,
        attachment_id -> Nullable<BigInt>,
        note -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    certificates (contract_id) {
        contract_id -> BigInt,
        verification_code -> Text,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        contract_id -> BigInt,
        kind -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        data -> Binary,
        uploaded_at -> Timestamp,
        uploaded_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    registration_counters (office_code, year) {
        office_code -> Text,
        year -> Integer,
        next_serial -> Integer,
    }
}

diesel::table! {
    reviews (id) {
        id -> BigInt,
        contract_id -> BigInt,
        decision -> Text,
        reason -> Text,
        refusal_code -> Text,
        registration_number -> Nullable<Text>,
        reviewer_id -> Nullable<BigInt>,
        reviewer -> Text,
        contract_version -> Integer,
        decided_at -> Timestamp,
        stage -> Text,
    }
}

diesel::table! {
    import_reports (id) {
        id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
        file_name -> Text,
        succeeded -> Bool,
        summary -> Text,
        body -> Text,
    }
}

diesel::table! {
    history_years (year) {
        year -> Integer,
        contract_count -> Nullable<BigInt>,
        amount_fen -> Nullable<BigInt>,
        rd_expenditure_fen -> Nullable<BigInt>,
        dev_count -> Nullable<BigInt>,
        dev_amount_fen -> Nullable<BigInt>,
        transfer_count -> Nullable<BigInt>,
        transfer_amount_fen -> Nullable<BigInt>,
        consult_count -> Nullable<BigInt>,
        consult_amount_fen -> Nullable<BigInt>,
        service_count -> Nullable<BigInt>,
        service_amount_fen -> Nullable<BigInt>,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    year_snapshots (id) {
        id -> BigInt,
        year -> Integer,
        closed_at -> Timestamp,
        closed_by -> Text,
        contract_count -> BigInt,
        amount_fen -> BigInt,
        figures -> Text,
        tables -> Text,
        reopened_at -> Nullable<Timestamp>,
        reopened_by -> Nullable<Text>,
        reopen_reason -> Nullable<Text>,
    }
}

diesel::table! {
    institutions (position) {
        position -> Integer,
        authority_code -> Text,
        name -> Text,
        name_norm -> Text,
        imported_at -> Timestamp,
        imported_by -> Text,
    }
}

diesel::joinable!(offices -> authorities (authority_code));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> offices (office_code));

diesel::joinable!(contracts -> offices (office_code));
diesel::joinable!(attachments -> contracts (contract_id));
diesel::joinable!(reviews -> contracts (contract_id));
diesel::joinable!(certificates -> contracts (contract_id));
diesel::joinable!(amendments -> contracts (contract_id));
diesel::joinable!(income_entries -> contracts (contract_id));

diesel::allow_tables_to_appear_in_same_query!(
    authorities,
    offices,
    users,
    sessions,
    login_failures,
    audit_log,
    parties,
    contracts,
    attachments,
    reviews,
    certificates,
    review_rules,
    amendments,
    income_entries,
);
