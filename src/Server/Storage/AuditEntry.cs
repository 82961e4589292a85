namespace PrivateFl.Server.Storage;

/// <summary>
/// One admin action in the audit log: who called, from where, what, when and how it ended. Never a secret: no API
/// key, no key material (an enrolled key appears only as its fingerprint, and only in <paramref name="TargetId"/>
/// when the action names one).
/// </summary>
/// <param name="TimestampUnixMs">When the call was answered, in Unix milliseconds.</param>
/// <param name="Actor">Who called: <c>admin</c> for the admin API key, <c>unauthenticated</c> for a call refused for a wrong or missing key.</param>
/// <param name="RemoteAddress">The caller's IP address (or <c>unknown</c>).</param>
/// <param name="Method">The admin RPC, e.g. <c>EnrollClient</c>.</param>
/// <param name="TargetId">The id the call named (a client, session or model version), or empty.</param>
/// <param name="Outcome"><c>OK</c>, or the gRPC status code and the refusal reason, e.g. <c>UNAUTHENTICATED ADMIN_KEY_INVALID</c>.</param>
public sealed record AuditEntry(long TimestampUnixMs, string Actor, string RemoteAddress, string Method, string TargetId, string Outcome)
{
    /// <summary>The longest <see cref="Actor"/>, <see cref="RemoteAddress"/>, <see cref="Method"/> and <see cref="TargetId"/> a store keeps.</summary>
    public const int MaxFieldLength = 128;

    /// <summary>The longest <see cref="Outcome"/> a store keeps.</summary>
    public const int MaxOutcomeLength = 512;

    /// <summary>Gets the entry's position in the log, assigned by the store when it is appended (ascending); 0 before.</summary>
    public long Id { get; init; }
}
