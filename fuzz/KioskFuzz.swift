// libFuzzer harness for the kiosk's two readers of outside files: the Y4M frame reader (a
// recording or an ffmpeg pipe) and the ticket import parser. Built by fuzz/run.sh together with
// the Shared sources and just those kiosk files, as one module.
//
// The first input byte picks a target; the rest is that target's input:
//   0: a Y4M stream, read to its end (at most 64 frames);
//   1: a ticket import file.
// Beyond "no crash", each target checks an invariant and traps if it breaks.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let input = Data(bytes: data + 1, count: size - 1)
    switch data[0] % 2 {
    case 0: checkY4M(input)
    default: checkImport(input)
    }
    return 0
}

/// Feeds the bytes through a pipe, as `--source -` would get them from ffmpeg.
private func checkY4M(_ input: Data) {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { fatalError("pipe failed") }
    // Inputs stay below the pipe's 64 KiB buffer (-max_len), so one write never blocks.
    input.withUnsafeBytes { _ = write(ends[1], $0.baseAddress, $0.count) }
    close(ends[1])
    defer { close(ends[0]) }
    guard let reader = try? Y4MReader(descriptor: ends[0], name: "fuzz", closesDescriptor: false) else { return }
    guard Y4MReader.frameRates.contains(reader.framesPerSecond), (16...8_192).contains(reader.width),
        (16...8_192).contains(reader.height)
    else { fatalError("accepted a header outside its bounds") }
    for _ in 0..<64 {
        guard let frame = try? reader.nextFrame() else { return }
        guard frame.pixels.count == reader.width * reader.height else { fatalError("frame of the wrong size") }
    }
}

private func checkImport(_ input: Data) {
    guard let parsed = try? TicketImport.parse(input, name: "fuzz") else { return }
    // Whatever is accepted can be stored and later turned into milliseconds without overflow.
    for entry in parsed.tickets {
        if let usedAt = entry.usedAt, !(0...Int64(UInt32.max) * 1_000).contains(usedAt) { fatalError("used_at out of range") }
    }
    guard Set(parsed.tickets.map(\.ticketID)).count == parsed.tickets.count, parsed.eventID > 0 else {
        fatalError("accepted duplicate ticket ids or event 0")
    }
}
