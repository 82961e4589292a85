namespace PrivateFl.Server.Storage;

/// <summary>A training session as stored: its id, its definition, its state and when it was created.</summary>
/// <param name="SessionId">The session's id.</param>
/// <param name="DefinitionJson">The session's immutable definition, as the server writes it (JSON).</param>
/// <param name="State">Where the session stands.</param>
/// <param name="CreatedUnixMs">When it was created, in Unix milliseconds.</param>
/// <remarks>
/// A store keeps <paramref name="DefinitionJson"/> verbatim and never reads it: the definition is the server's to
/// interpret, so a new session setting never needs a change in any store provider or a schema migration.
/// </remarks>
public sealed record StoredSession(string SessionId, string DefinitionJson, SessionState State, long CreatedUnixMs);
