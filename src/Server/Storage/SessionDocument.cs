using System.Text.Json;
using PrivateFl.Server.Coordination;

namespace PrivateFl.Server.Storage;

/// <summary>Writes and reads a session's definition as the JSON document a store keeps verbatim.</summary>
internal static class SessionDocument
{
    // The web defaults are what the definition_json column has always held, so older databases read unchanged.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The stored form of a new, active session.</summary>
    public static StoredSession Create(SessionDefinition definition) =>
        new(definition.SessionId, JsonSerializer.Serialize(definition, Json), SessionState.Active, definition.CreatedUnixMs);

    extension(StoredSession session)
    {
        /// <summary>The session's definition, parsed from its stored document.</summary>
        public SessionDefinition Definition =>
            JsonSerializer.Deserialize<SessionDefinition>(session.DefinitionJson, Json)
            ?? throw new InvalidDataException($"Session '{session.SessionId}' has an empty definition.");
    }
}
