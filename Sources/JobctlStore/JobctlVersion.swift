/// jobctl's version: printed by `jobctl --version`, and the one place to change it on a release.
/// Several-hosts nodes will publish it in their heartbeat, so it lives in the store layer.
public enum JobctlVersion {
    public static let current = "0.2.0"
}
