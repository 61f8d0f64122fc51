import Hummingbird

enum StatusPage {
    static let headers: HTTPFields = [:]
    static let html = "<html></html>"
}
