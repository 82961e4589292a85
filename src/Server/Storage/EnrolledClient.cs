namespace PrivateFl.Server.Storage;

/// <summary>A bank enrolled with the server: its id, its Ed25519 identity public key and its standing.</summary>
/// <param name="ClientId">The bank's id, as it signs its calls.</param>
/// <param name="IdentityPublicKey">The bank's Ed25519 identity public key (32 bytes).</param>
/// <param name="Revoked">Whether an operator revoked the bank; a revoked bank is refused on every call, for good.</param>
/// <param name="EnrolledUnixMs">When the bank was enrolled (or last reinstated), in Unix milliseconds.</param>
/// <param name="Suspended">Whether the bank is suspended for repeated, proven misbehaviour (specs/protocol.md §2.8).</param>
/// <param name="MisbehaviourCount">How many proven misbehaviours were counted since the bank's last enrolment.</param>
public sealed record EnrolledClient(string ClientId, ReadOnlyMemory<byte> IdentityPublicKey, bool Revoked, long EnrolledUnixMs, bool Suspended = false, int MisbehaviourCount = 0);
