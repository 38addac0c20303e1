import Yams

/// The keys of a YAML document that the value decoded from it has no property for. Decoding
/// ignores them, so a typo (`publicBaseUrl` for `publicBaseURL`) would silently leave a setting at
/// its default; the loader refuses them instead.
enum UnknownKeys {
    /// Each unknown key as a dotted path (`service.publicBaseUrl`, `2.reviewby` for the third
    /// item of a list), in document order. A mapping decoded into a dictionary takes any key.
    static func paths(in node: Node, decoded value: Any, at path: [String] = []) -> [String] {
        guard let value = unwrapped(value) else { return [] }
        let mirror = Mirror(reflecting: value)
        switch node {
        case .mapping(let mapping):
            guard mirror.displayStyle == .struct || mirror.displayStyle == .class else { return [] }
            var properties: [String: Any] = [:]
            for case (let label?, let child) in mirror.children { properties[label] = child }
            return mapping.flatMap { key, child -> [String] in
                guard let name = key.string else { return [] }
                guard let property = properties[name] else { return [(path + [name]).joined(separator: ".")] }
                return paths(in: child, decoded: property, at: path + [name])
            }
        case .sequence(let items):
            guard mirror.displayStyle == .collection else { return [] }
            return zip(items, mirror.children).enumerated().flatMap { index, pair in
                paths(in: pair.0, decoded: pair.1.value, at: path + [String(index)])
            }
        default:
            return []
        }
    }

    /// The value inside an optional (nil for none), or the value itself.
    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrapped($0.value) } ?? nil
    }
}
