//! Diesel's view of the tables, in types both backends share (see `migrations/`).
//! Written by hand to match `migrations/sqlite` and `migrations/postgres` exactly.

diesel::table! {
    cities (id) {
        id -> BigInt,
        geonameid -> BigInt,
        slug -> Text,
        name -> Text,
        search_key -> Text,
        country -> Text,
        admin1 -> Text,
        latitude -> Double,
        longitude -> Double,
        population -> BigInt,
        timezone -> Text,
        thread_count -> BigInt,
        last_post_at -> Nullable<Timestamp>,
        version -> BigInt,
        name_en -> Nullable<Text>,
    }
}

diesel::table! {
    thread_reads (user_id, thread_id) {
        user_id -> BigInt,
        thread_id -> BigInt,
        last_read_number -> BigInt,
        read_at -> Timestamp,
    }
}

diesel::table! {
    board_reads (user_id, board_id) {
        user_id -> BigInt,
        board_id -> BigInt,
        read_at -> Timestamp,
    }
}

diesel::table! {
    city_names (id) {
        id -> BigInt,
        city_id -> BigInt,
        lang -> Text,
        name -> Text,
        search_key -> Text,
        preferred -> Bool,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        username_key -> Text,
        username_skeleton -> Text,
        email -> Text,
        email_key -> Text,
        password_hash -> Text,
        role -> Text,
        locale -> Nullable<Text>,
        home_city_id -> Nullable<BigInt>,
        email_verified_at -> Nullable<Timestamp>,
        post_count -> BigInt,
        thread_count -> BigInt,
        created_at -> Timestamp,
        email_direct -> Text,
        email_watched -> Text,
        last_digest_at -> Nullable<Timestamp>,
        invite_id -> Nullable<BigInt>,
        calendar_token_hash -> Nullable<Text>,
        signin_notice -> Bool,
        remote_id -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        kind -> Text,
        csrf_token -> Text,
        label -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    setup_tokens (token_hash) {
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    boards (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        name_en -> Nullable<Text>,
        description_en -> Nullable<Text>,
        position -> BigInt,
        thread_count -> BigInt,
        post_count -> BigInt,
        last_post_at -> Nullable<Timestamp>,
        last_thread_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        version -> BigInt,
        group_id -> Nullable<BigInt>,
        visibility -> Text,
        remote_id -> Nullable<Text>,
    }
}

diesel::table! {
    threads (id) {
        id -> BigInt,
        board_id -> BigInt,
        city_id -> Nullable<BigInt>,
        author_id -> BigInt,
        title -> Text,
        slug -> Text,
        post_count -> BigInt,
        pinned -> Bool,
        locked -> Bool,
        created_at -> Timestamp,
        last_post_at -> Timestamp,
        last_post_author_id -> Nullable<BigInt>,
        version -> BigInt,
        pinned_until -> Nullable<Timestamp>,
        slow_mode_minutes -> BigInt,
        hidden_at -> Nullable<Timestamp>,
        hidden_reason -> Nullable<Text>,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        thread_id -> BigInt,
        number -> BigInt,
        author_id -> BigInt,
        body_md -> Text,
        body_html -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        hidden_at -> Nullable<Timestamp>,
        hidden_reason -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
        remote_id -> Nullable<Text>,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        version -> BigInt,
        body_md -> Text,
        edited_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    site_state (id) {
        id -> BigInt,
        content_version -> BigInt,
        activity_version -> BigInt,
    }
}

diesel::table! {
    site_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        purpose -> Text,
        new_email -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        message_id -> Text,
        kind -> Text,
        user_id -> Nullable<BigInt>,
        recipient -> Text,
        unsubscribe_url -> Nullable<Text>,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        body_id -> BigInt,
    }
}

diesel::table! {
    mail_bodies (id) {
        id -> BigInt,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        placeholder -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fanout_queue (id) {
        id -> BigInt,
        post_id -> BigInt,
        created_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        attempts -> BigInt,
    }
}

diesel::table! {
    watches (user_id, target_kind, target_id) {
        user_id -> BigInt,
        target_kind -> Text,
        target_id -> BigInt,
        level -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        post_id -> BigInt,
        thread_id -> BigInt,
        email -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    board_moderators (user_id, board_id) {
        user_id -> BigInt,
        board_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sanctions (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        reason -> Text,
        until -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        lifted_at -> Nullable<Timestamp>,
        lifted_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    mod_notes (id) {
        id -> BigInt,
        user_id -> BigInt,
        author_id -> Nullable<BigInt>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mod_log (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_kind -> Text,
        target_id -> BigInt,
        target_label -> Text,
        reason -> Text,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    site_config (name) {
        name -> Text,
        value -> Text,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        post_id -> BigInt,
        reporter_id -> BigInt,
        reason -> Text,
        body -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        resolution -> Nullable<Text>,
    }
}

diesel::table! {
    applications (user_id) {
        user_id -> BigInt,
        answer -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invites (id) {
        id -> BigInt,
        token_hash -> Text,
        created_by -> Nullable<BigInt>,
        note -> Text,
        max_uses -> BigInt,
        uses -> BigInt,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    technologies (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        name_en -> Text,
        description -> Text,
        description_en -> Text,
        position -> BigInt,
    }
}

diesel::table! {
    companies (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        name_key -> Text,
        description -> Text,
        website -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deployments (id) {
        id -> BigInt,
        city_id -> BigInt,
        technology_id -> BigInt,
        title -> Text,
        title_key -> Text,
        status -> Text,
        started -> Text,
        ended -> Nullable<Text>,
        funding -> Text,
        description_md -> Text,
        description_html -> Text,
        thread_id -> Nullable<BigInt>,
        proposed_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    deployment_companies (deployment_id, company_id) {
        deployment_id -> BigInt,
        company_id -> BigInt,
    }
}

diesel::table! {
    deployment_sources (id) {
        id -> BigInt,
        deployment_id -> BigInt,
        position -> BigInt,
        url -> Text,
        title -> Text,
        publisher -> Text,
        published_on -> Nullable<Text>,
        archive_url -> Nullable<Text>,
    }
}

diesel::table! {
    deployment_revisions (id) {
        id -> BigInt,
        deployment_id -> BigInt,
        author_id -> Nullable<BigInt>,
        state -> Text,
        snapshot -> Text,
        note -> Text,
        reviewer_id -> Nullable<BigInt>,
        review_reason -> Text,
        reviewed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    manifesto_signatures (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        website -> Text,
        city -> Text,
        email -> Text,
        email_key -> Text,
        token_hash -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    groups (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        city_id -> BigInt,
        description_md -> Text,
        description_html -> Text,
        website -> Text,
        visibility -> Text,
        join_policy -> Text,
        member_count -> BigInt,
        last_activity_at -> Timestamp,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    group_members (group_id, user_id) {
        group_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    group_requests (id) {
        id -> BigInt,
        group_id -> BigInt,
        user_id -> BigInt,
        message -> Text,
        status -> Text,
        reason -> Text,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    group_invites (id) {
        id -> BigInt,
        group_id -> BigInt,
        token_hash -> Text,
        created_by -> Nullable<BigInt>,
        note -> Text,
        max_uses -> BigInt,
        uses -> BigInt,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    actions (id) {
        id -> BigInt,
        group_id -> Nullable<BigInt>,
        board_id -> BigInt,
        thread_id -> BigInt,
        city_id -> BigInt,
        author_id -> Nullable<BigInt>,
        title -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        timezone -> Text,
        place -> Text,
        meeting_point -> Text,
        description_md -> Text,
        description_html -> Text,
        visibility -> Text,
        capacity -> Nullable<BigInt>,
        status -> Text,
        sequence -> BigInt,
        going_count -> BigInt,
        maybe_count -> BigInt,
        not_going_count -> BigInt,
        waitlist_count -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    action_rsvps (action_id, user_id) {
        action_id -> BigInt,
        user_id -> BigInt,
        answer -> Text,
        waitlisted -> Bool,
        hide_name -> Bool,
        answered_at -> Timestamp,
        reminded_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(city_names -> cities (city_id));
diesel::joinable!(deployments -> cities (city_id));
diesel::joinable!(deployments -> technologies (technology_id));
diesel::joinable!(deployment_companies -> deployments (deployment_id));
diesel::joinable!(deployment_companies -> companies (company_id));
diesel::joinable!(deployment_sources -> deployments (deployment_id));
diesel::joinable!(deployment_revisions -> deployments (deployment_id));
diesel::table! {
    avatars (user_id) {
        user_id -> BigInt,
        file -> Text,
        content_type -> Text,
        created_at -> Timestamp,
        data -> Binary,
    }
}

diesel::table! {
    two_factor (user_id) {
        user_id -> BigInt,
        secret -> Nullable<Text>,
        pending_secret -> Nullable<Text>,
        enabled_at -> Nullable<Timestamp>,
        last_step -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    two_factor_recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    two_factor_challenges (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        next_path -> Text,
        attempts -> BigInt,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    signin_browsers (user_id, family) {
        user_id -> BigInt,
        family -> Text,
        first_seen_at -> Timestamp,
    }
}

diesel::table! {
    conversations (id) {
        id -> BigInt,
        subject -> Text,
        starter_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_message_at -> Timestamp,
        message_count -> BigInt,
    }
}

diesel::table! {
    conversation_members (conversation_id, user_id) {
        conversation_id -> BigInt,
        user_id -> BigInt,
        joined_at -> Timestamp,
        last_message_id -> Nullable<BigInt>,
        last_message_at -> Timestamp,
        unread_count -> BigInt,
        last_read_id -> BigInt,
    }
}

diesel::table! {
    private_messages (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        author_id -> BigInt,
        body_md -> Text,
        body_html -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_blocks (blocker_id, blocked_id) {
        blocker_id -> BigInt,
        blocked_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    message_preferences (user_id) {
        user_id -> BigInt,
        inbox -> Text,
        email -> Text,
    }
}

diesel::table! {
    message_reports (id) {
        id -> BigInt,
        message_id -> Nullable<BigInt>,
        reporter_id -> BigInt,
        reason -> Text,
        body -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        author_id -> Nullable<BigInt>,
        author_name -> Text,
        message_html -> Text,
        message_at -> Timestamp,
    }
}

diesel::table! {
    message_allowance (id) {
        id -> BigInt,
        user_id -> BigInt,
        at -> Timestamp,
        units -> BigInt,
    }
}

diesel::table! {
    federation_keys (id) {
        id -> BigInt,
        actor_kind -> Text,
        local_id -> BigInt,
        public_key -> Text,
        private_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    federation_remote_actors (id) {
        id -> BigInt,
        ap_id -> Text,
        kind -> Text,
        name -> Text,
        domain -> Text,
        inbox -> Text,
        shared_inbox -> Nullable<Text>,
        public_key -> Text,
        fetched_at -> Timestamp,
    }
}

diesel::table! {
    federation_following (user_id, board_id) {
        user_id -> BigInt,
        board_id -> BigInt,
        follow_id -> Text,
        accepted -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    federation_followers (target_kind, target_id, remote_actor_id) {
        target_kind -> Text,
        target_id -> BigInt,
        remote_actor_id -> BigInt,
        follow_id -> Text,
        accepted -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    federation_policies (domain) {
        domain -> Text,
        policy -> Text,
        reason -> Text,
        set_by -> Nullable<BigInt>,
        set_at -> Timestamp,
    }
}

diesel::table! {
    federation_deliveries (id) {
        id -> BigInt,
        activity_id -> Text,
        actor_kind -> Text,
        actor_local_id -> BigInt,
        inbox -> Text,
        domain -> Text,
        activity -> Text,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    federation_received (activity_id) {
        activity_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    federated_posts (post_id) {
        post_id -> BigInt,
        version -> BigInt,
        deleted -> Bool,
        updated_at -> Timestamp,
        title -> Nullable<Text>,
        action_sequence -> Nullable<BigInt>,
    }
}

diesel::table! {
    federated_deployments (deployment_id) {
        deployment_id -> BigInt,
        version -> BigInt,
        deleted -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    federation_cursors (name) {
        name -> Text,
        value -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(avatars -> users (user_id));
diesel::joinable!(two_factor -> users (user_id));
diesel::joinable!(two_factor_recovery_codes -> users (user_id));
diesel::joinable!(two_factor_challenges -> users (user_id));
diesel::joinable!(signin_browsers -> users (user_id));
diesel::joinable!(reports -> posts (post_id));
diesel::joinable!(applications -> users (user_id));
diesel::joinable!(board_moderators -> boards (board_id));
diesel::joinable!(board_moderators -> users (user_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(outbox -> users (user_id));
diesel::joinable!(outbox -> mail_bodies (body_id));
diesel::joinable!(fanout_queue -> posts (post_id));
diesel::joinable!(watches -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(notifications -> posts (post_id));
diesel::joinable!(notifications -> threads (thread_id));
diesel::joinable!(threads -> boards (board_id));
diesel::joinable!(threads -> cities (city_id));
diesel::joinable!(posts -> threads (thread_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(users -> cities (home_city_id));
diesel::joinable!(groups -> cities (city_id));
diesel::joinable!(group_members -> groups (group_id));
diesel::joinable!(group_members -> users (user_id));
diesel::joinable!(group_requests -> groups (group_id));
diesel::joinable!(group_invites -> groups (group_id));
diesel::joinable!(boards -> groups (group_id));
diesel::joinable!(actions -> groups (group_id));
diesel::joinable!(actions -> boards (board_id));
diesel::joinable!(actions -> threads (thread_id));
diesel::joinable!(actions -> cities (city_id));
diesel::joinable!(action_rsvps -> actions (action_id));
diesel::joinable!(action_rsvps -> users (user_id));
diesel::joinable!(conversation_members -> conversations (conversation_id));
diesel::joinable!(conversation_members -> users (user_id));
diesel::joinable!(private_messages -> conversations (conversation_id));
diesel::joinable!(private_messages -> users (author_id));
diesel::joinable!(federation_followers -> federation_remote_actors (remote_actor_id));
diesel::joinable!(federation_policies -> users (set_by));
diesel::joinable!(federated_posts -> posts (post_id));
diesel::joinable!(federation_following -> users (user_id));
diesel::joinable!(federation_following -> boards (board_id));

diesel::allow_tables_to_appear_in_same_query!(
    cities,
    city_names,
    thread_reads,
    board_reads,
    users,
    avatars,
    two_factor,
    two_factor_recovery_codes,
    two_factor_challenges,
    signin_browsers,
    sessions,
    setup_tokens,
    boards,
    threads,
    posts,
    post_revisions,
    site_state,
    site_secrets,
    email_tokens,
    outbox,
    mail_bodies,
    fanout_queue,
    watches,
    notifications,
    board_moderators,
    sanctions,
    mod_notes,
    mod_log,
    site_config,
    reports,
    applications,
    invites,
    technologies,
    companies,
    deployments,
    deployment_companies,
    deployment_sources,
    deployment_revisions,
    manifesto_signatures,
    groups,
    group_members,
    group_requests,
    group_invites,
    actions,
    action_rsvps,
    conversations,
    conversation_members,
    private_messages,
    user_blocks,
    message_preferences,
    message_reports,
    message_allowance,
    federation_keys,
    federation_remote_actors,
    federation_followers,
    federation_following,
    federation_policies,
    federation_deliveries,
    federation_received,
    federated_posts,
    federated_deployments,
    federation_cursors,
);
