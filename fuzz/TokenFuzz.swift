// libFuzzer harness for the FT1 decoder and the key file reader. Built by fuzz/run.sh together
// with the Shared sources (one module, so internal parsers can be fuzzed directly).
//
// The first input byte picks a target; the rest is that target's input:
//   0: text decode, as zbar hands the kiosk a payload;
//   1: binary token, base45-encoded and prefixed, so mutations land past the base45 check;
//   2: the plaintext parser alone, which no mutated token reaches without forging a signature;
//   3: the key file reader.
// Beyond "no crash", each target checks an invariant and traps if it breaks.

import Foundation

private let ring: KeyRing = {
    // The spec's vector keys: the seed corpus holds tokens signed under them.
    func key(_ kid: UInt8, _ status: KeyStatus, _ aes: String, _ publicKey: String) -> TokenKey {
        try! TokenKey(kid: kid, status: status, aesKey: Hex.decode(aes)!, publicKey: Hex.decode(publicKey)!, seed: nil)
    }
    return try! KeyRing(keys: [
        key(1, .active, "000102030405060708090a0b0c0d0e0f", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
        key(7, .retired, "0f0e0d0c0b0a09080706050403020100", "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"),
        key(9, .revoked, "00000000000000000000000000000000", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
    ])
}()
private let decoder = try! TokenDecoder(keyRing: ring)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch data[0] % 4 {
    case 0:
        checkDecode(input)
    case 1:
        var text = Array("FT1:".utf8) + Array(Base45.encode(input).utf8)
        text.withUnsafeMutableBytes { checkDecode(UnsafeRawBufferPointer($0)) }
    case 2:
        // A parsed plaintext must serialise back to exactly the bytes it came from: the layout
        // has one encoding per ticket, so no two byte strings can mean the same ticket.
        if let ticket = TokenLayout.ticket(fromPlaintext: input) {
            guard let again = try? TokenLayout.plaintext(of: ticket), again.elementsEqual(input) else {
                fatalError("plaintext parse/serialise mismatch")
            }
        }
    default:
        if let keys = try? KeyFile.decode(Data(input)) {
            guard (try? KeyFile.decode(KeyFile.encode(keys))) == keys else { fatalError("key file round trip changed the keys") }
        }
    }
    return 0
}

private func checkDecode(_ text: UnsafeRawBufferPointer) {
    do {
        let decoded = try decoder.decode(utf8: text)
        // Only a genuine token verifies: its kid must be one of ours and not revoked.
        guard let key = ring[decoded.kid], key.status != .revoked else { fatalError("accepted a token under a bad kid") }
    } catch {
        // Every rejection is one of the spec's reasons by construction (typed throws); the
        // property is that we got here without crashing or hanging.
    }
}
