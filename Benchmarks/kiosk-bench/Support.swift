import Foundation

/// Wall-clock seconds that `body` took (monotonic clock).
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

func rate(_ count: Int, _ time: Double) -> Double { Double(count) / time }

func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// Cores, CPU model and memory of this machine, for the benchmark reports.
struct Machine {
    var cores: Int
    var cpu: String
    var memoryGiB: Double

    static var current: Machine {
        var cpu = "unknown CPU"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
        {
            cpu = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? cpu
        }
        return Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount, cpu: cpu,
            memoryGiB: Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824)
    }

    var summary: String { "\(cores) cores (\(cpu)), \(f(memoryGiB)) GiB of memory" }
}

/// A section of a Markdown file between `<!-- NAME:start -->` and `<!-- NAME:end -->`: writing
/// replaces that section and keeps the rest of the file (other benchmarks' results).
struct MarkdownSection {
    var name: String

    func write(_ text: String, into path: String) throws {
        let start = "<!-- \(name):start -->"
        let end = "<!-- \(name):end -->"
        let section = "\(start)\n\(text.trimmingCharacters(in: .newlines))\n\(end)"
        var file = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        if let lower = file.range(of: start), let upper = file.range(of: end, range: lower.upperBound..<file.endIndex) {
            file.replaceSubrange(lower.lowerBound..<upper.upperBound, with: section)
        } else {
            file += "\n\(section)\n"
        }
        try Data(file.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
