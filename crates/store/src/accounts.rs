//! Staff accounts, server-side sessions and one-time links. Secrets never stored in the clear:
//! session and link tokens as SHA-256 hashes, passwords as Argon2id hashes (made by the web
//! layer), second-factor secrets encrypted with the key ring.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bluedot_core::Lang;
use bluedot_core::policy::{Role, Scope};
use chrono::{DateTime, Duration, Utc};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{Change, append_audit};
use crate::{Result, Store, StoreError, decode_code, on_pool};

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub password_hash: Option<String>,
    /// Encrypted (see [`crate::crypto`]).
    pub totp_secret: Option<String>,
    /// SHA-256 hashes of the unused recovery codes.
    pub recovery_codes: Vec<String>,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    /// The language chosen for the staff pages; `None` follows the browser.
    pub language: Option<Lang>,
}

impl User {
    /// The account as the permission policy sees it.
    pub fn actor(&self) -> bluedot_core::policy::Actor {
        bluedot_core::policy::Actor {
            user_id: self.id,
            role: self.role,
            scope: self.scope.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    username: String,
    display_name: String,
    role: String,
    scope: Json<Scope>,
    password_hash: Option<String>,
    totp_secret: Option<String>,
    recovery_codes: Json<Vec<String>>,
    disabled: bool,
    failed_logins: i32,
    locked_until: Option<DateTime<Utc>>,
    language: Option<String>,
}

impl UserRow {
    fn into_user(self) -> Result<User> {
        Ok(User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: decode_code("users.role", &self.role, Role::from_code)?,
            scope: self.scope.0,
            password_hash: self.password_hash,
            totp_secret: self.totp_secret,
            recovery_codes: self.recovery_codes.0,
            disabled: self.disabled,
            failed_logins: self.failed_logins,
            locked_until: self.locked_until,
            // A code no longer offered falls back to the browser's language.
            language: self.language.as_deref().and_then(Lang::from_tag),
        })
    }
}

const USER_COLUMNS: &str = "id, username, display_name, role, scope, password_hash, totp_secret, \
     recovery_codes, disabled, failed_logins, locked_until, language";

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user_id: Uuid,
    pub csrf_token: String,
    pub second_factor: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: Uuid,
    csrf_token: String,
    second_factor: bool,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Signed out after this long without a request.
    pub idle: Duration,
    /// Signed out this long after signing in, whatever happens.
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}

/// A random token for a cookie or a link: 256 bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are looked up by hash, so a copy of the database does not hold usable tokens.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Creates an account with no password: its owner sets one through a one-time link.
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        scope: &Scope,
        who: &Change,
    ) -> Result<User> {
        let username = username.trim().to_lowercase();
        if username.len() < 3
            || username.len() > 64
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err(bluedot_core::ValidationError::new(
                "username",
                "use 3 to 64 letters, digits, dots, hyphens or underscores",
            )
            .into());
        }
        if display_name.trim().is_empty() {
            return Err(bluedot_core::ValidationError::new("display_name", "give a name").into());
        }
        if scope.is_empty() {
            return Err(bluedot_core::ValidationError::new(
                "scope",
                "an account needs at least one hub or country",
            )
            .into());
        }
        let id = Uuid::now_v7();
        let now = Utc::now();
        let result = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO users (id, username, display_name, role, scope, password_hash,
                     totp_secret, recovery_codes, disabled, failed_logins, locked_until,
                     created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, FALSE, 0, NULL, $7, $7)",
            )
            .bind(id)
            .bind(&username)
            .bind(display_name.trim())
            .bind(role.code())
            .bind(Json(scope))
            .bind(Json(Vec::<String>::new()))
            .bind(now)
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected());
            if inserted.is_ok() {
                append_audit!(self, tx, &who.event("user.create", format!("user:{id}")));
                tx.commit().await?;
            }
            inserted
        });
        match result {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(bluedot_core::ValidationError::new(
                    "username",
                    "this username is taken",
                )
                .into());
            }
            Err(e) => return Err(e.into()),
        }
        self.user(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("user vanished after insert".into()))
    }

    pub async fn user(&self, id: Uuid) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        row.map(UserRow::into_user).transpose()
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(username.trim().to_lowercase())
            .fetch_optional(pool)
            .await?);
        row.map(UserRow::into_user).transpose()
    }

    pub async fn list_users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows: Vec<UserRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// Sets the password and second factor together, as the one-time setup does (audited as
    /// `account.setup`).
    pub async fn set_credentials(
        &self,
        id: Uuid,
        password_hash: &str,
        totp_secret_encrypted: &str,
        recovery_code_hashes: &[String],
        who: &Change,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE users SET password_hash = $2, totp_secret = $3, recovery_codes = $4,
                     failed_logins = 0, locked_until = NULL, updated_at = $5,
                     totp_last_step = NULL
                 WHERE id = $1",
            )
            .bind(id)
            .bind(password_hash)
            .bind(totp_secret_encrypted)
            .bind(Json(recovery_code_hashes))
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &who.event("account.setup", format!("user:{id}")));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Claims a second-factor code's time step for this account; false if that step or a later
    /// one was already used, so a code seen over someone's shoulder cannot be replayed. The
    /// check and the claim are one statement, so two requests cannot both win.
    pub async fn claim_totp_step(&self, id: Uuid, step: i64) -> Result<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE users SET totp_last_step = $2
             WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(id)
        .bind(step)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Removes a used recovery code; false if it was not (or no longer) there.
    pub async fn use_recovery_code(&self, id: Uuid, code_hash: &str) -> Result<bool> {
        let Some(user) = self.user(id).await? else {
            return Ok(false);
        };
        if !user.recovery_codes.iter().any(|c| c == code_hash) {
            return Ok(false);
        }
        let remaining: Vec<&String> = user
            .recovery_codes
            .iter()
            .filter(|c| *c != code_hash)
            .collect();
        // Compare-and-set on the old list, so one code cannot be used twice at once.
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE users SET recovery_codes = $2, updated_at = $4 WHERE id = $1 AND recovery_codes = $3",
        )
        .bind(id)
        .bind(Json(&remaining))
        .bind(Json(&user.recovery_codes))
        .bind(Utc::now())
        .execute(pool)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Gives an account another role and scope. Its sessions end in the same transaction as
    /// the change and its audit entry (`user.role`): a privilege that changes is never carried
    /// by a session opened under the old one. False if there is no such account.
    pub async fn change_role(
        &self,
        id: Uuid,
        role: Role,
        scope: &Scope,
        who: &Change,
    ) -> Result<bool> {
        if scope.is_empty() {
            return Err(bluedot_core::ValidationError::new(
                "scope",
                "an account needs at least one hub or country",
            )
            .into());
        }
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE users SET role = $2, scope = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(role.code())
            .bind(Json(scope))
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                append_audit!(self, tx, &who.event("user.role", format!("user:{id}")));
            }
            tx.commit().await?;
            done
        });
        Ok(done == 1)
    }

    /// Disables or re-enables an account; disabling also ends its sessions, in the same
    /// transaction as the change and its audit entry (`user.disable`, `user.enable`).
    /// Sets the language of the account's staff pages (`None`: as the browser asks).
    pub async fn set_user_language(
        &self,
        id: Uuid,
        language: Option<Lang>,
        who: &Change,
    ) -> Result<bool> {
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE users SET language = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(language.map(Lang::code))
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if done == 1 {
                append_audit!(self, tx, &who.event("user.language", format!("user:{id}")));
            }
            tx.commit().await?;
            done
        });
        Ok(done == 1)
    }

    pub async fn set_disabled(&self, id: Uuid, disabled: bool, who: &Change) -> Result<bool> {
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(disabled)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            if done == 1 {
                append_audit!(self, tx, &who.event(action, format!("user:{id}")));
            }
            tx.commit().await?;
            done
        });
        Ok(done == 1)
    }

    /// Claims the right to check one guess (a password or a code) for this account, counting
    /// it as failed until [`Store::sign_in_guess_right`] says otherwise. False when the account
    /// is locked or `max` guesses are already counted or being checked. The check and the count
    /// are one statement, so however many guesses arrive at once, at most `max` are ever
    /// checked before the lock; the lock is set by the claim that reaches `max`, so a crash
    /// between claim and answer cannot leave an account open to more. A lock that has run out
    /// starts a fresh count.
    pub async fn claim_sign_in_guess(&self, id: Uuid, max: i32, lock: Duration) -> Result<bool> {
        let now = Utc::now();
        let claimed = on_pool!(self, pool => sqlx::query(
            "UPDATE users SET
                 failed_logins = CASE WHEN locked_until <= $2 THEN 1 ELSE failed_logins + 1 END,
                 locked_until = CASE
                     WHEN locked_until <= $2 THEN (CASE WHEN 1 >= $3 THEN $4 ELSE NULL END)
                     WHEN failed_logins + 1 >= $3 THEN $4
                     ELSE locked_until END
             WHERE id = $1
               AND (locked_until <= $2 OR (locked_until IS NULL AND failed_logins < $3))",
        )
        .bind(id)
        .bind(now)
        .bind(max)
        .bind(now + lock)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(claimed == 1)
    }

    /// The claimed guess was right: it no longer counts as failed, and a lock that it alone
    /// brought on is lifted.
    pub async fn sign_in_guess_right(&self, id: Uuid, max: i32) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE users SET
                 failed_logins = CASE WHEN failed_logins > 0 THEN failed_logins - 1 ELSE 0 END,
                 locked_until = CASE WHEN failed_logins - 1 < $2 THEN NULL ELSE locked_until END
             WHERE id = $1",
        )
        .bind(id)
        .bind(max)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Forgets the failed guesses: the account has signed in with both factors.
    pub async fn clear_failed_logins(&self, id: Uuid) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
        )
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// A link its owner opens once, before `ttl` runs out, to set credentials. Creating one
    /// also clears the account's credentials and sessions: it is how passwords are reset.
    /// Audited as `action` (`user.setup-link` for a new account, `user.reset`).
    pub async fn create_setup_link(
        &self,
        user_id: Uuid,
        ttl: Duration,
        who: &Change,
        action: &str,
    ) -> Result<String> {
        let token = random_token();
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM one_time_links WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE users SET password_hash = NULL, totp_secret = NULL, recovery_codes = $2,
                     failed_logins = 0, locked_until = NULL, updated_at = $3
                 WHERE id = $1",
            )
            .bind(user_id)
            .bind(Json(Vec::<String>::new()))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO one_time_links (token_hash, user_id, purpose, expires_at, used_at)
                 VALUES ($1, $2, 'setup', $3, NULL)",
            )
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(now + ttl)
            .execute(&mut *tx)
            .await?;
            append_audit!(self, tx, &who.event(action, format!("user:{user_id}")));
            tx.commit().await?;
        });
        Ok(token)
    }

    /// The account a valid, unused, unexpired link belongs to (without using it up).
    pub async fn setup_link_user(&self, token: &str) -> Result<Option<Uuid>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT user_id FROM one_time_links
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(Utc::now())
        .fetch_optional(pool)
        .await?))
    }

    /// Uses a link up; only one caller can, even at the same moment.
    pub async fn consume_setup_link(&self, token: &str) -> Result<Option<Uuid>> {
        let now = Utc::now();
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "UPDATE one_time_links SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING user_id",
        )
        .bind(token_hash(token))
        .bind(now)
        .fetch_optional(pool)
        .await?))
    }

    /// Starts a session; returns the cookie token (only its hash is stored).
    pub async fn create_session(
        &self,
        user_id: Uuid,
        second_factor: bool,
        limits: SessionLimits,
    ) -> Result<String> {
        let token = random_token();
        let now = Utc::now();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor, created_at,
                 last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(random_token())
        .bind(second_factor)
        .bind(now)
        .bind(now + limits.absolute)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(token)
    }

    /// The live session a cookie names, after updating its last use; expired ones are removed.
    pub async fn session(&self, token: &str, limits: SessionLimits) -> Result<Option<Session>> {
        let hash = token_hash(token);
        let now = Utc::now();
        let row: Option<SessionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT user_id, csrf_token, second_factor, created_at, last_seen_at, expires_at
             FROM sessions WHERE token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(pool)
        .await?);
        let Some(SessionRow {
            user_id,
            csrf_token,
            second_factor,
            created_at,
            last_seen_at,
            expires_at,
        }) = row
        else {
            return Ok(None);
        };
        if now >= expires_at || now - last_seen_at > limits.idle {
            self.end_session(token).await?;
            return Ok(None);
        }
        on_pool!(self, pool => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(&hash)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(Some(Session {
            user_id,
            csrf_token,
            second_factor,
            created_at,
            last_seen_at: now,
        }))
    }

    /// Replaces a session that has just passed the second factor with a new one, under a new
    /// token and CSRF token, and ends the old one: a cookie copied before the privilege rose is
    /// worth nothing after. The new session keeps the old one's absolute expiry. `None` when the
    /// old session is gone (it was ended or renewed by another request).
    pub async fn renew_session_after_second_factor(&self, old: &str) -> Result<Option<String>> {
        let token = random_token();
        let now = Utc::now();
        let renewed: Option<Uuid> = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let old_row: Option<(Uuid, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
                "DELETE FROM sessions WHERE token_hash = $1
                 RETURNING user_id, created_at, expires_at",
            )
            .bind(token_hash(old))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((user_id, created_at, expires_at)) = old_row {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor,
                         created_at, last_seen_at, expires_at)
                     VALUES ($1, $2, $3, TRUE, $4, $5, $6)",
                )
                .bind(token_hash(&token))
                .bind(user_id)
                .bind(random_token())
                .bind(created_at)
                .bind(now)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Some(user_id)
            } else {
                None
            }
        });
        Ok(renewed.map(|_| token))
    }

    pub async fn end_session(&self, token: &str) -> Result<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Signs an account out everywhere, its offline devices too (a lost phone): they wipe
    /// themselves at their next contact.
    pub async fn end_all_sessions(&self, user_id: Uuid) -> Result<u64> {
        let now = self.now();
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(
                "UPDATE offline_devices SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL",
            )
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            done
        });
        Ok(done)
    }
}
