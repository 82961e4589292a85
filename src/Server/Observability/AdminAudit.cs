using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Observability;

/// <summary>
/// Writes admin calls to the store's audit log: who (<see cref="Admin"/> or <see cref="Unauthenticated"/>), the
/// caller's address, the RPC, the id it named and how it ended. Never the API key, never key material: an enrolled
/// public key appears as the first 16 hex digits of its SHA-256.
/// </summary>
/// <remarks>
/// A failed write is logged and does not change the call's answer: the action already happened (or was already
/// refused), and an operator must still be able to act while the database is briefly unavailable.
/// </remarks>
internal sealed partial class AdminAudit(IFederationStore store, TimeProvider time, ILogger<AdminAudit> logger)
{
    /// <summary>The actor of a call that presented the admin API key.</summary>
    public const string Admin = "admin";

    /// <summary>The actor of a call refused for a wrong or missing admin API key.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The outcome of a call that succeeded.</summary>
    public const string Ok = "OK";

    /// <summary>The request fields whose value names the call's target, in order of preference.</summary>
    private static readonly string[] TargetFields = ["client_id", "session_id"];

    /// <summary>Appends one entry; the caller-controlled parts are cut to what the store keeps and to printable ASCII.</summary>
    public async Task RecordAsync(string actor, string? remoteAddress, string method, string target, string outcome)
    {
        var entry = new AuditEntry(
            time.GetUtcNow().ToUnixTimeMilliseconds(),
            actor,
            Clean(remoteAddress is { Length: > 0 } ? remoteAddress : "unknown", AuditEntry.MaxFieldLength),
            Clean(method.Length > 0 ? method : "(none)", AuditEntry.MaxFieldLength),
            Clean(target, AuditEntry.MaxFieldLength),
            Clean(outcome, AuditEntry.MaxOutcomeLength));
        try
        {
            await store.AppendAuditAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            LogAuditFailed(logger, entry.Method, entry.Outcome, ex);
        }
    }

    /// <summary>The id a request names: its client or session id, with an enrolled key's fingerprint; empty if none.</summary>
    public static string TargetOf(object request)
    {
        if (request is not IMessage message)
        {
            return string.Empty;
        }

        MessageDescriptor descriptor = message.Descriptor;
        string target = string.Empty;
        foreach (string name in TargetFields)
        {
            if (descriptor.FindFieldByName(name) is { FieldType: FieldType.String } field && field.Accessor.GetValue(message) is string { Length: > 0 } value)
            {
                target = value;
                break;
            }
        }

        if (descriptor.FindFieldByName("identity_public_key") is { FieldType: FieldType.Bytes } key && key.Accessor.GetValue(message) is ByteString { Length: > 0 } bytes)
        {
            target += $" key:{Convert.ToHexStringLower(SHA256.HashData(bytes.Span))[..16]}";
        }

        return target.Trim();
    }

    private static string Clean(string text, int maxLength)
    {
        Span<char> cleaned = stackalloc char[Math.Min(text.Length, maxLength)];
        for (int i = 0; i < cleaned.Length; i++)
        {
            cleaned[i] = text[i] is >= ' ' and <= '~' ? text[i] : '?';
        }

        return new string(cleaned);
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Error, EventName = "AuditWriteFailed", Message = "The audit entry for admin call {Method} ({Reason}) could not be stored.")]
    private static partial void LogAuditFailed(ILogger logger, string method, string reason, Exception exception);
}
