extension JobDefinition {
    /// `@reboot`: runs once when the scheduler starts, never on a timer.
    public var isReboot: Bool {
        if case .reboot = schedule.kind { return true }
        return false
    }
}
