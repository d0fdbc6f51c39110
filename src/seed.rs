//! `vigie seed`: fills a database with realistic forum data for benchmarks — users, threads
//! attached to cities, Markdown bodies of varied length cooked by the real cook, a few very
//! long threads, plausible timestamps — written in large batches, with every counter right.
//!
//! Seeded accounts are `membre_1` … `membre_N`, all with the password in `SEED_PASSWORD`, so a
//! benchmark can log in as one of them.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::accounts::domain::{EmailAddress, Username};
use crate::db::schema::{boards, cities, posts, threads, users};
use crate::db::{now, write_tx, DbConnection};
use crate::insert_batch;
use crate::markdown;
use crate::validation::slugify;

/// The password of every seeded account.
pub const SEED_PASSWORD: &str = "vigie-seed-password";

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SeedPlan {
    pub users: usize,
    pub threads: usize,
    pub posts: usize,
    pub long_threads: usize,
    /// Posts in each long thread.
    pub long_thread_posts: usize,
    pub random_seed: u64,
}

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct SeedReport {
    pub users: usize,
    pub threads: usize,
    pub posts: usize,
    /// Id of the first long thread, if any.
    pub first_long_thread: Option<i64>,
}

/// Seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the plan is impossible: {0}")]
    Plan(String),
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

const SENTENCES: [&str; 24] = [
    "La mairie a voté hier soir un budget de plusieurs centaines de milliers d’euros pour de nouvelles caméras.",
    "Le cahier des charges mentionne explicitement la détection automatique de « comportements suspects ».",
    "Nous avons déposé une demande CADA pour obtenir la convention signée avec le prestataire.",
    "La préfecture a autorisé l’usage de drones au-dessus du cortège, l’arrêté a été publié la veille au soir.",
    "Plusieurs associations locales préparent un recours devant le tribunal administratif.",
    "Le conseil municipal n’a consacré que cinq minutes au débat, sans aucune étude d’impact.",
    "Les capteurs sonores installés dans le quartier devaient « détecter les cris », selon la communication officielle.",
    "Une réunion publique est prévue jeudi à la bourse du travail, venez nombreuses et nombreux.",
    "Le logiciel de police prédictive a été discrètement abandonné l’an dernier, faute de résultats.",
    "On peut cartographier les caméras du centre-ville en une après-midi, à pied, avec un simple carnet.",
    "Le rapport de la CNIL rappelle que la reconnaissance faciale en temps réel reste interdite dans l’espace public.",
    "L’entreprise retenue fournit déjà plusieurs autres villes de la région.",
    "Les habitantes et habitants n’ont jamais été consultés sur ce projet de « ville sûre ».",
    "Le marché public a été attribué sans mise en concurrence réelle, d’après les documents obtenus.",
    "Il faudrait comparer les chiffres de la délinquance avant et après l’installation, la mairie ne les publie pas.",
    "Un collectif voisin a obtenu le retrait des caméras « parlantes » après six mois de mobilisation.",
    "The city council approved the contract without any public debate.",
    "We are collecting the procurement documents in a shared folder for everyone to read.",
    "Les images sont conservées trente jours, mais personne ne sait qui y a accès.",
    "Le centre de supervision urbain emploie désormais une quinzaine d’opérateurs.",
    "Nous proposons d’écrire une lettre ouverte commune aux élus de la métropole.",
    "La vidéoverbalisation a été étendue à tout le centre historique depuis septembre.",
    "Les expérimentations liées aux Jeux olympiques devaient être temporaires.",
    "Merci pour ce compte rendu très complet, je le fais suivre au groupe local.",
];

/// Places and months named in some paragraphs, so that a search has words of every frequency to
/// look for (the sentences above are in a large share of the posts; a city is in a few percent,
/// a city and a month together in a few per thousand).
const PLACES: [&str; 30] = [
    "Marseille",
    "Nice",
    "Toulouse",
    "Grenoble",
    "Rennes",
    "Nantes",
    "Strasbourg",
    "Montpellier",
    "Bordeaux",
    "Lille",
    "Saint-Étienne",
    "Clermont-Ferrand",
    "Rouen",
    "Dijon",
    "Angers",
    "Metz",
    "Besançon",
    "Perpignan",
    "Orléans",
    "Limoges",
    "Brest",
    "Tours",
    "Amiens",
    "Nîmes",
    "Valence",
    "Bruxelles",
    "Liège",
    "Genève",
    "Lausanne",
    "Luxembourg",
];

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const LINKS: [&str; 4] = [
    "https://www.cnil.fr/",
    "https://www.legifrance.gouv.fr/",
    "https://technopolice.fr/",
    "https://www.laquadrature.net/",
];

/// A Markdown body of varied length (about 1 KB on average) with paragraphs, and now and then
/// a list, a quotation, a link or a code block.
pub fn markdown_body(rng: &mut StdRng) -> String {
    let mut body = String::with_capacity(1400);
    let paragraphs = match rng.gen_range(0..100) {
        0..=14 => 1,
        15..=44 => 2,
        45..=74 => 3,
        75..=91 => 5,
        _ => 9,
    };
    for p in 0..paragraphs {
        if p > 0 {
            body.push_str("\n\n");
        }
        match rng.gen_range(0..12) {
            0 => {
                for _ in 0..rng.gen_range(2..5) {
                    body.push_str("- ");
                    body.push_str(SENTENCES[rng.gen_range(0..SENTENCES.len())]);
                    body.push('\n');
                }
            }
            1 => {
                body.push_str("> ");
                body.push_str(SENTENCES[rng.gen_range(0..SENTENCES.len())]);
            }
            2 => body.push_str("```\nGET /api/v1/cities?q=nice\nstatus: 200\n```"),
            _ => {
                for s in 0..rng.gen_range(2..6) {
                    if s > 0 {
                        body.push(' ');
                    }
                    let sentence = SENTENCES[rng.gen_range(0..SENTENCES.len())];
                    if rng.gen_range(0..8) == 0 {
                        body.push_str(&format!("**{sentence}**"));
                    } else {
                        body.push_str(sentence);
                    }
                }
                if rng.gen_range(0..4) == 0 {
                    let place = PLACES[rng.gen_range(0..PLACES.len())];
                    let month = MONTHS[rng.gen_range(0..MONTHS.len())];
                    let day = rng.gen_range(1..29);
                    body.push_str(&format!(
                        " Prochaine réunion publique à {place} le {day} {month}."
                    ));
                }
                if rng.gen_range(0..6) == 0 {
                    let link = LINKS[rng.gen_range(0..LINKS.len())];
                    body.push_str(&format!(" Voir [la source]({link})."));
                }
            }
        }
    }
    body
}

fn thread_title(rng: &mut StdRng, city: Option<&str>, i: usize) -> String {
    const SUBJECTS: [&str; 10] = [
        "Vidéosurveillance algorithmique",
        "Drones policiers",
        "Capteurs sonores",
        "Reconnaissance faciale",
        "Caméras « parlantes »",
        "Hyperviseur urbain",
        "Police prédictive",
        "Lecture automatique des plaques",
        "Portiques biométriques",
        "Centre de supervision urbain",
    ];
    let subject = SUBJECTS[rng.gen_range(0..SUBJECTS.len())];
    match city {
        Some(c) => format!("{subject} à {c} — point n°{i}"),
        None => format!("{subject} : échanges n°{i}"),
    }
}

/// Writes the plan into the database (which must be migrated, with boards and cities).
pub fn seed(
    conn: &mut DbConnection,
    plan: SeedPlan,
    password_hash: &str,
) -> Result<SeedReport, SeedError> {
    if plan.threads == 0 || plan.users == 0 {
        return Err(SeedError::Plan("at least one user and one thread".into()));
    }
    let long_total = plan.long_threads * plan.long_thread_posts;
    if plan.long_threads > plan.threads {
        return Err(SeedError::Plan("more long threads than threads".into()));
    }
    if plan.posts < plan.threads + long_total.saturating_sub(plan.long_threads) {
        return Err(SeedError::Plan(format!(
            "{} posts cannot fill {} threads of which {} hold {} posts",
            plan.posts, plan.threads, plan.long_threads, plan.long_thread_posts
        )));
    }
    let mut rng = StdRng::seed_from_u64(plan.random_seed);
    let board_ids: Vec<i64> = boards::table
        .select(boards::id)
        .order(boards::id)
        .load(conn)?;
    if board_ids.is_empty() {
        return Err(SeedError::Plan("no board: run vigie migrate first".into()));
    }
    let city_rows: Vec<(i64, String, i64)> = cities::table
        .order(cities::population.desc())
        .select((cities::id, cities::name, cities::population))
        .limit(500)
        .load(conn)?;
    let first_user: i64 = users::table
        .select(diesel::dsl::max(users::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0)
        + 1;
    let first_thread: i64 = threads::table
        .select(diesel::dsl::max(threads::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0)
        + 1;
    let first_post: i64 = posts::table
        .select(diesel::dsl::max(posts::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0)
        + 1;

    let end = now();
    let start = end - Duration::days(730);
    let span_secs = (end - start).num_seconds();

    // Users.
    let progress = ProgressBar::new((plan.users + plan.posts) as u64);
    progress.set_style(
        ProgressStyle::with_template("{msg:>8} [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    progress.set_message("users");
    let mut user_created = Vec::with_capacity(plan.users);
    for chunk_start in (0..plan.users).step_by(2000) {
        let chunk_end = (chunk_start + 2000).min(plan.users);
        let mut rows = Vec::with_capacity(chunk_end - chunk_start);
        for i in chunk_start..chunk_end {
            let id = first_user + i as i64;
            let name = Username::parse(&format!("membre_{id}"))
                .map_err(|e| SeedError::Plan(e.key.into()))?;
            let email = EmailAddress::parse(&format!("membre{id}@example.org"))
                .map_err(|e| SeedError::Plan(e.key.into()))?;
            let created = start + Duration::seconds(rng.gen_range(0..span_secs / 2));
            user_created.push(created);
            rows.push((
                users::id.eq(id),
                users::username.eq(name.as_str().to_owned()),
                users::username_key.eq(name.key()),
                users::username_skeleton.eq(name.skeleton()),
                users::email.eq(email.as_str().to_owned()),
                users::email_key.eq(email.key()),
                users::password_hash.eq(password_hash.to_owned()),
                users::role.eq("member"),
                users::email_verified_at.eq(Some(created)),
                users::created_at.eq(created),
            ));
        }
        write_tx(conn, |conn| -> QueryResult<()> {
            for batch in rows.chunks(1000) {
                insert_batch!(conn, users::table, batch);
            }
            Ok(())
        })?;
        progress.inc((chunk_end - chunk_start) as u64);
    }

    // How many posts each thread gets: long threads first, then a skewed spread.
    let mut counts = vec![1usize; plan.threads];
    for c in counts.iter_mut().take(plan.long_threads) {
        *c = plan.long_thread_posts.max(1);
    }
    let assigned: usize = counts.iter().sum();
    let normal = plan.threads - plan.long_threads;
    for _ in 0..plan.posts.saturating_sub(assigned) {
        if normal == 0 {
            counts[0] += 1;
            continue;
        }
        // Most threads get a fair share; some are much livelier than others.
        let u: f64 = rng.gen();
        let skewed = if rng.gen_range(0..10) < 3 { u * u } else { u };
        let index = plan.long_threads + (skewed * normal as f64) as usize;
        counts[index.min(plan.threads - 1)] += 1;
    }

    // Threads and their posts, thread by thread, in batches.
    progress.set_message("posts");
    let mut board_stats: HashMap<i64, (i64, i64, NaiveDateTime, i64)> = HashMap::new();
    let mut city_stats: HashMap<i64, (i64, NaiveDateTime)> = HashMap::new();
    let mut user_stats: HashMap<i64, (i64, i64)> = HashMap::new();
    let mut next_post = first_post;
    let mut pending_threads = Vec::new();
    let mut pending_posts: Vec<PostRow> = Vec::new();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    for (t, count) in counts.iter().copied().enumerate() {
        let thread_id = first_thread + t as i64;
        let board_id = board_ids[rng.gen_range(0..board_ids.len())];
        let city = if !city_rows.is_empty() && rng.gen_range(0..10) < 8 {
            // Larger cities get more threads.
            let pick = ((rng.gen::<f64>().powi(2)) * city_rows.len() as f64) as usize;
            city_rows.get(pick.min(city_rows.len() - 1))
        } else {
            None
        };
        let author = first_user + rng.gen_range(0..plan.users) as i64;
        let created = if count > 1000 {
            start + Duration::seconds(rng.gen_range(0..span_secs / 4))
        } else {
            start + Duration::seconds(rng.gen_range(0..span_secs))
        };
        let available = (end - created).num_seconds().max(count as i64);
        let mut offsets: Vec<i64> = (1..count).map(|_| rng.gen_range(1..=available)).collect();
        offsets.sort_unstable();
        let title = thread_title(&mut rng, city.map(|c| c.1.as_str()), thread_id as usize);
        let mut last_at = created;
        let mut last_author = author;
        for n in 0..count {
            let (at, who) = if n == 0 {
                (created, author)
            } else {
                (
                    created + Duration::seconds(offsets[n - 1]),
                    first_user + rng.gen_range(0..plan.users) as i64,
                )
            };
            last_at = at;
            last_author = who;
            pending_posts.push(PostRow {
                id: next_post,
                thread_id,
                number: n as i64 + 1,
                author_id: who,
                body: markdown_body(&mut rng),
                created_at: at,
            });
            next_post += 1;
            let u = user_stats.entry(who).or_insert((0, 0));
            u.0 += 1;
            if n == 0 {
                u.1 += 1;
            }
        }
        pending_threads.push((
            threads::id.eq(thread_id),
            threads::board_id.eq(board_id),
            threads::city_id.eq(city.map(|c| c.0)),
            threads::author_id.eq(author),
            threads::title.eq(title.clone()),
            threads::slug.eq(slugify(&title, 80)),
            threads::post_count.eq(count as i64),
            threads::created_at.eq(created),
            threads::last_post_at.eq(last_at),
            threads::last_post_author_id.eq(Some(last_author)),
        ));
        let b = board_stats
            .entry(board_id)
            .or_insert((0, 0, last_at, thread_id));
        b.0 += 1;
        b.1 += count as i64;
        if last_at >= b.2 {
            b.2 = last_at;
            b.3 = thread_id;
        }
        if let Some(c) = city {
            let s = city_stats.entry(c.0).or_insert((0, last_at));
            s.0 += 1;
            if last_at > s.1 {
                s.1 = last_at;
            }
        }
        if pending_posts.len() >= 20_000 || t + 1 == counts.len() {
            flush(
                conn,
                &mut pending_threads,
                &mut pending_posts,
                workers,
                &progress,
            )?;
        }
    }

    // Counters.
    progress.set_message("counters");
    write_tx(conn, |conn| -> QueryResult<()> {
        for (board_id, (threads_n, posts_n, last_at, last_thread)) in &board_stats {
            diesel::update(boards::table.find(board_id))
                .set((
                    boards::thread_count.eq(boards::thread_count + threads_n),
                    boards::post_count.eq(boards::post_count + posts_n),
                    boards::last_post_at.eq(Some(*last_at)),
                    boards::last_thread_id.eq(Some(*last_thread)),
                ))
                .execute(conn)?;
        }
        for (city_id, (threads_n, last_at)) in &city_stats {
            diesel::update(cities::table.find(city_id))
                .set((
                    cities::thread_count.eq(cities::thread_count + threads_n),
                    cities::last_post_at.eq(Some(*last_at)),
                ))
                .execute(conn)?;
        }
        for (user_id, (posts_n, threads_n)) in &user_stats {
            diesel::update(users::table.find(user_id))
                .set((
                    users::post_count.eq(users::post_count + posts_n),
                    users::thread_count.eq(users::thread_count + threads_n),
                ))
                .execute(conn)?;
        }
        Ok(())
    })?;
    reset_sequences(conn)?;
    progress.finish_with_message("done");
    Ok(SeedReport {
        users: plan.users,
        threads: plan.threads,
        posts: counts.iter().sum(),
        first_long_thread: (plan.long_threads > 0).then_some(first_thread),
    })
}

struct PostRow {
    id: i64,
    thread_id: i64,
    number: i64,
    author_id: i64,
    body: String,
    created_at: NaiveDateTime,
}

type ThreadValues = (
    diesel::dsl::Eq<threads::id, i64>,
    diesel::dsl::Eq<threads::board_id, i64>,
    diesel::dsl::Eq<threads::city_id, Option<i64>>,
    diesel::dsl::Eq<threads::author_id, i64>,
    diesel::dsl::Eq<threads::title, String>,
    diesel::dsl::Eq<threads::slug, String>,
    diesel::dsl::Eq<threads::post_count, i64>,
    diesel::dsl::Eq<threads::created_at, NaiveDateTime>,
    diesel::dsl::Eq<threads::last_post_at, NaiveDateTime>,
    diesel::dsl::Eq<threads::last_post_author_id, Option<i64>>,
);

/// Cooks the pending posts on every core, then writes the pending threads and posts in one
/// transaction.
fn flush(
    conn: &mut DbConnection,
    pending_threads: &mut Vec<ThreadValues>,
    pending_posts: &mut Vec<PostRow>,
    workers: usize,
    progress: &ProgressBar,
) -> QueryResult<()> {
    let chunk = pending_posts.len().div_ceil(workers.max(1)).max(1);
    let cooked: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = pending_posts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| markdown::cook(&p.body).into_string())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let rows: Vec<_> = pending_posts
        .iter()
        .zip(cooked)
        .map(|(p, html)| {
            (
                posts::id.eq(p.id),
                posts::thread_id.eq(p.thread_id),
                posts::number.eq(p.number),
                posts::author_id.eq(p.author_id),
                posts::body_md.eq(p.body.clone()),
                posts::body_html.eq(html),
                posts::created_at.eq(p.created_at),
            )
        })
        .collect();
    write_tx(conn, |conn| -> QueryResult<()> {
        for batch in pending_threads.chunks(1000) {
            insert_batch!(conn, threads::table, batch);
        }
        for batch in rows.chunks(1000) {
            insert_batch!(conn, posts::table, batch);
        }
        Ok(())
    })?;
    progress.inc(pending_posts.len() as u64);
    pending_threads.clear();
    pending_posts.clear();
    Ok(())
}

/// After inserting explicit ids, PostgreSQL's identity sequences must move past them; and the
/// planner's statistics must see the bulk load (without them a search of a common word reads
/// every match through the text index instead of walking the newest posts: seconds, not ms).
fn reset_sequences(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgres(_) = conn {
        for table in ["users", "threads", "posts"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .execute(conn)?;
        }
        diesel::sql_query("ANALYZE users, threads, posts, boards").execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_about_a_kilobyte_on_average() {
        let mut rng = StdRng::seed_from_u64(7);
        let total: usize = (0..2000).map(|_| markdown_body(&mut rng).len()).sum();
        let average = total / 2000;
        assert!(
            (800..1300).contains(&average),
            "average body is {average} bytes"
        );
    }
}
