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

diesel::joinable!(offices -> authorities (authority_code));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> offices (office_code));

diesel::allow_tables_to_appear_in_same_query!(
    authorities,
    offices,
    users,
    sessions,
    login_failures,
    audit_log
);
