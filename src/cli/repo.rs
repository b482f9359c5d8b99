//! The repository redshield runs in: the directory code-scanning and annotation paths are
//! relative to, and what SARIF's `versionControlProvenance` says about it.
//!
//! In GitHub Actions the workspace is `GITHUB_WORKSPACE` and the commit `GITHUB_SHA`, in GitLab
//! CI `CI_PROJECT_DIR` and `CI_COMMIT_SHA`; elsewhere
//! `git` is asked, when it is installed and the working directory is in a work tree. Nothing
//! here fails a run: without a repository, paths stay relative to the working directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the run's repository is, and what is known of its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The directory report paths are made relative to (absolute, lexically normalized).
    pub root: PathBuf,
    /// The repository's URL, without credentials.
    pub uri: Option<String>,
    /// The commit checked out.
    pub revision: Option<String>,
    /// The branch, when one is checked out.
    pub branch: Option<String>,
}

/// The repository of the working directory, or None outside one.
pub fn find() -> Option<Repo> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(workspace) = env("GITHUB_WORKSPACE") {
        let uri = match (env("GITHUB_SERVER_URL"), env("GITHUB_REPOSITORY")) {
            (Some(server), Some(repository)) => {
                Some(format!("{}/{repository}", server.trim_end_matches('/')))
            }
            _ => None,
        };
        return Some(Repo {
            root: crate::discover::lexical_absolute(Path::new(&workspace)),
            uri,
            revision: env("GITHUB_SHA"),
            branch: env("GITHUB_HEAD_REF").or_else(|| {
                env("GITHUB_REF").and_then(|r| r.strip_prefix("refs/heads/").map(str::to_string))
            }),
        });
    }
    if let Some(project) = env("CI_PROJECT_DIR") {
        // GitLab CI: the checkout, its URL, commit and branch.
        return Some(Repo {
            root: crate::discover::lexical_absolute(Path::new(&project)),
            uri: env("CI_PROJECT_URL"),
            revision: env("CI_COMMIT_SHA"),
            branch: env("CI_COMMIT_BRANCH").or_else(|| env("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")),
        });
    }
    let root = git(&["rev-parse", "--show-toplevel"])?;
    Some(Repo {
        root: crate::discover::lexical_absolute(Path::new(&root)),
        uri: git(&["config", "--get", "remote.origin.url"]).and_then(|u| remote_uri(&u)),
        revision: git(&["rev-parse", "--verify", "--quiet", "HEAD"]),
        branch: git(&["symbolic-ref", "--quiet", "--short", "HEAD"]),
    })
}

/// One line of `git`'s output, or None when git is missing or fails.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let line = text.trim();
    (out.status.success() && !line.is_empty()).then(|| line.to_string())
}

/// A git remote as a URI: URLs without credentials, `git@host:owner/repo` as `ssh://host/…`;
/// None for a local path, which names nothing outside this machine.
pub fn remote_uri(remote: &str) -> Option<String> {
    if remote.contains("://") {
        return Some(without_credentials(remote));
    }
    let (authority, path) = remote.split_once(':')?;
    if authority.contains('/') || authority.len() < 2 {
        // `./x:y` or `C:\…`: a path.
        return None;
    }
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(format!("ssh://{host}/{}", path.trim_start_matches('/')))
}

/// A remote URL without `user:password@` (a token in a clone URL must not reach a report).
fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host_start = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(host_start);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::remote_uri;

    #[test]
    fn remotes_become_uris_without_credentials() {
        let uri = |remote: &str| remote_uri(remote);
        assert_eq!(
            uri("https://x-access-token:ghs_abc@github.com/o/r.git").as_deref(),
            Some("https://github.com/o/r.git")
        );
        assert_eq!(
            uri("https://github.com/o/r").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(
            uri("git@github.com:o/r.git").as_deref(),
            Some("ssh://github.com/o/r.git")
        );
        assert_eq!(uri("/work/main"), None);
        assert_eq!(uri("../main"), None);
        assert_eq!(uri("C:\\repos\\r"), None);
    }
}
