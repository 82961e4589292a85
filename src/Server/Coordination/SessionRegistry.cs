using System.Collections.Concurrent;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Owns the server's sessions: creates them, loads each once from the store into a <see cref="SessionRuntime"/>, and
/// is the only code that writes a session (its row, its state, the rounds committed to it), so that the in-memory
/// state and the stored one change together.
/// </summary>
/// <remarks>
/// On a cluster this becomes the session grain (DESIGN.md, "Growing past one machine"): one owner per session,
/// loading from the store on activation. Writes run under the session's gate, as the caller's round does.
/// </remarks>
internal sealed class SessionRegistry(IFederationStore store)
{
    private readonly ConcurrentDictionary<string, SessionRuntime> _sessions = new(StringComparer.Ordinal);

    /// <summary>Creates a session with its initial model version 0; null if a session with that id exists.</summary>
    public SessionRuntime? Create(SessionDefinition definition, double[] initialWeights)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(initialWeights);
        var initial = new ModelVersionRecord(definition.SessionId, 0, 0, initialWeights, 0, 0, definition.Privacy.Delta, "{}", definition.CreatedUnixMs);
        return store.CreateSession(definition, initial) ? Get(definition.SessionId) : null;
    }

    /// <summary>Gets a session's runtime state, loading it from the store on first use.</summary>
    /// <exception cref="CoordinatorException">The session does not exist (<see cref="CoordinatorErrorKind.NotFound"/>).</exception>
    public SessionRuntime Get(string sessionId)
    {
        if (_sessions.TryGetValue(sessionId, out SessionRuntime? runtime))
        {
            return runtime;
        }

        StoredSession stored = store.FindSession(sessionId) ?? throw new CoordinatorException(CoordinatorErrorKind.NotFound, $"Session '{sessionId}' does not exist.") { Reason = ErrorReasons.SessionNotFound };
        IReadOnlyList<RoundRecordData> rounds = store.ListRounds(sessionId);
        IReadOnlyList<LedgerEntryData> ledger = store.ListLedger(sessionId);
        var loaded = new SessionRuntime(
            stored.Definition,
            stored.State,
            store.LatestModel(sessionId),
            rounds.Count(r => r.Outcome == RoundRecordData.Completed),
            rounds.Count == 0 ? 1 : rounds[^1].RoundNumber + 1,
            ledger.Count == 0 ? 0 : ledger[^1].EpsilonSpentTotal);
        return _sessions.GetOrAdd(sessionId, loaded);
    }

    /// <summary>The sessions loaded so far (for shutting their timers down).</summary>
    public IEnumerable<SessionRuntime> Loaded => _sessions.Values;

    /// <summary>Every stored session, each as its runtime state.</summary>
    public IReadOnlyList<SessionRuntime> List() => [.. store.ListSessions().Select(s => Get(s.Definition.SessionId))];

    /// <summary>Changes a session's state, stored and in memory (for example when its privacy budget is spent). Call under the session's gate.</summary>
    public void SetState(SessionRuntime session, string state)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.State = state;
        store.SetSessionState(session.Definition.SessionId, state);
    }

    /// <summary>
    /// The enrolled, unrevoked identity key of a round's participant, or null; a round is formed only from banks that
    /// are still enrolled when it opens.
    /// </summary>
    public byte[]? IdentityKey(string clientId) => store.FindClient(clientId) is { Revoked: false } enrolled ? enrolled.IdentityPublicKey : null;

    /// <summary>
    /// Commits a round to its session in one transaction: for a released round the new model version, the round
    /// record, the ledger entry and, after the session's last round, its completion; then the session's in-memory
    /// state follows. An aborted round passes only its record. Call under the session's gate.
    /// </summary>
    public void CommitRound(SessionRuntime session, RoundRecordData record, ModelVersionRecord? model, LedgerEntryData? ledger, bool completesSession)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(record);
        store.CommitRound(record, model, ledger, completesSession ? StoredSession.Completed : null);
        if (model is null)
        {
            return;
        }

        session.Model = model;
        session.EpsilonSpent = model.EpsilonSpent;
        session.CompletedRounds++;
        if (completesSession)
        {
            session.State = StoredSession.Completed;
        }
    }
}
