using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Server.Storage;

/// <summary>A bank a round proved to have broken the protocol (specs/protocol.md §2.8), by client id.</summary>
/// <param name="ClientId">The bank's id.</param>
/// <param name="Misbehaviour">What the round proved it did.</param>
public sealed record RoundCulpritData(string ClientId, Misbehaviour Misbehaviour);
