import Shared

/// Creating and revoking gate devices, for the API and the organisers' pages alike.
struct GateDesk {
    let writer: DatabaseWriter
    let clock: ServerClock

    /// A new pending device with its one-time enrollment code (only its hash is stored).
    func create(name: String, direction: Device.Direction, classes: [Int]?, eventID: UInt32) async throws -> (Device, code: String) {
        let classes = try classes.map { numbers in
            guard !numbers.isEmpty, numbers.count <= 64 else {
                throw APIError(.unprocessableContent, "invalid_classes", "classes lists 1 to 64 ticket class numbers, or is left out for all")
            }
            return try numbers.map { number in
                guard let ticketClass = UInt16(exactly: number) else {
                    throw APIError(.unprocessableContent, "invalid_classes", "a ticket class number is 0 to 65535, not \(number)")
                }
                return ticketClass
            }
        }
        let new = DeviceRepository.NewDevice(name: try InputRules.text(name, field: "name", maxBytes: 40), direction: direction, classes: classes)
        let code = DeviceSecrets.newEnrollmentCode()
        let now = clock.now()
        let device = try await writer.write { try DeviceRepository.create(new, eventID: eventID, code: code, now: now, in: $0) }
        return (device, code)
    }

    func revoke(id: Int64) async throws -> Device {
        let now = clock.now()
        return try await writer.write { try DeviceRepository.revoke(id: id, now: now, in: $0) }
    }
}
