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
/// loading from the store on activation. No store call runs under the session's gate: each is awaited off it, and
/// the in-memory state is changed under it afterwards.
/// </remarks>
internal sealed class SessionRegistry(IFederationStore store)
{
    private readonly ConcurrentDictionary<string, SessionRuntime> _sessions = new(StringComparer.Ordinal);

    /// <summary>Creates a session with its initial model version 0; null if a session with that id exists.</summary>
    public async Task<SessionRuntime?> CreateAsync(SessionDefinition definition, double[] initialWeights, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(initialWeights);
        var initial = new ModelVersionRecord(definition.SessionId, 0, 0, [.. initialWeights], 0, 0, definition.Privacy.Delta, "{}", definition.CreatedUnixMs);
        return await store.CreateSessionAsync(SessionDocument.Create(definition), initial, cancellationToken).ConfigureAwait(false)
            ? await GetAsync(definition.SessionId, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>Gets a session's runtime state, loading it from the store on first use.</summary>
    /// <exception cref="CoordinatorException">The session does not exist (<see cref="CoordinatorErrorKind.NotFound"/>).</exception>
    public async Task<SessionRuntime> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(sessionId, out SessionRuntime? runtime))
        {
            return runtime;
        }

        StoredSession stored = await store.FindSessionAsync(sessionId, cancellationToken).ConfigureAwait(false) ?? throw new CoordinatorException(CoordinatorErrorKind.NotFound, $"Session '{sessionId}' does not exist.") { Reason = ErrorReasons.SessionNotFound };
        IReadOnlyList<RoundRecordData> rounds = await store.ListRoundsAsync(sessionId, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<LedgerEntryData> ledger = await store.ListLedgerAsync(sessionId, cancellationToken).ConfigureAwait(false);
        ModelVersionRecord latest = await store.FindLatestModelAsync(sessionId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"Session '{sessionId}' has no model version.");
        IReadOnlyList<BudgetReservation> charges = await store.ListBudgetReservationsAsync(sessionId, cancellationToken).ConfigureAwait(false);
        SessionDefinition definition = stored.Definition;

        // A reserved round whose record was never written (the server stopped mid-round) stays charged, and its number is
        // not used again.
        long nextRound = Math.Max(rounds.Count == 0 ? 1 : rounds[^1].RoundNumber + 1, charges.Count == 0 ? 1 : charges.Max(c => c.RoundNumber) + 1);
        var loaded = new SessionRuntime(
            definition,
            stored.State,
            latest,
            rounds.Count(r => r.Outcome == RoundOutcomeKind.Completed),
            nextRound,
            Math.Max(ledger.Count == 0 ? 0 : ledger[^1].EpsilonSpentTotal, PrivacyPlan.EpsilonAfter(definition, charges.Count)),
            charges.Count);
        return _sessions.GetOrAdd(sessionId, loaded);
    }

    /// <summary>The sessions loaded so far (for shutting their timers down).</summary>
    public IEnumerable<SessionRuntime> Loaded => _sessions.Values;

    /// <summary>Every stored session, each as its runtime state.</summary>
    public async Task<IReadOnlyList<SessionRuntime>> ListAsync(CancellationToken cancellationToken)
    {
        var sessions = new List<SessionRuntime>();
        foreach (StoredSession stored in await store.ListSessionsAsync(cancellationToken).ConfigureAwait(false))
        {
            sessions.Add(await GetAsync(stored.SessionId, cancellationToken).ConfigureAwait(false));
        }

        return sessions;
    }

    /// <summary>
    /// Changes a session's state (for example when its privacy budget is spent): stored first, off the caller's thread,
    /// then in memory under the session's gate. Call off the gate.
    /// </summary>
    public async Task SetStateAsync(SessionRuntime session, SessionState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        string sessionId = session.Definition.SessionId;

        // Task.Run: a store may do its I/O before its task is returned, and the caller may still hold the gate.
        await Task.Run(() => store.SetSessionStateAsync(sessionId, state, cancellationToken), cancellationToken).ConfigureAwait(false);
        lock (session.Gate)
        {
            session.State = state;
        }
    }

    /// <summary>
    /// The enrolled, unrevoked identity key of each client (in order), or null for a client not enrolled or revoked;
    /// a round is formed only from banks that are still enrolled once they are chosen. Call off the gate.
    /// </summary>
    public Task<ReadOnlyMemory<byte>?[]> IdentityKeysAsync(IReadOnlyList<string> clientIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        string[] ids = [.. clientIds];

        // Task.Run, as in SetStateAsync: the opener calls this right after choosing the banks under the gate.
        return Task.Run(
            async () =>
            {
                var keys = new ReadOnlyMemory<byte>?[ids.Length];
                for (int i = 0; i < ids.Length; i++)
                {
                    keys[i] = await store.FindClientAsync(ids[i], cancellationToken).ConfigureAwait(false) is { Revoked: false } enrolled ? (ReadOnlyMemory<byte>?)enrolled.IdentityPublicKey : null;
                }

                return keys;
            },
            cancellationToken);
    }

    /// <summary>
    /// Reserves a round's charge against the session's budget in the store, once however often it is asked (issue 13), and
    /// then counts it in memory under the gate. Call off the gate.
    /// </summary>
    /// <exception cref="Crypto.SecAgg.RoundAbortedException">The budget pays for no further round.</exception>
    public async Task<BudgetReservation> ReserveBudgetAsync(SessionRuntime session, long roundNumber, long nowUnixMs)
    {
        ArgumentNullException.ThrowIfNull(session);
        SessionDefinition definition = session.Definition;
        int maximum = session.MaximumCharges;
        BudgetReservation reservation = await Task.Run(() => store.ReserveBudgetAsync(definition.SessionId, roundNumber, maximum, nowUnixMs, CancellationToken.None)).ConfigureAwait(false)
            ?? throw new Crypto.SecAgg.RoundAbortedException(Crypto.SecAgg.RoundStage.MaskedInput, $"The session's privacy budget (ε = {definition.Privacy.EpsilonBudget:G4}) pays for {maximum} rounds, and all are charged; the sum is not unmasked.");
        lock (session.Gate)
        {
            if (reservation.Charge > session.ChargedRounds)
            {
                session.ChargedRounds = reservation.Charge;
                session.EpsilonSpent = Math.Max(session.EpsilonSpent, PrivacyPlan.EpsilonAfter(definition, reservation.Charge));
            }
        }

        return reservation;
    }

    /// <summary>
    /// Commits a round to its session in one transaction: for a released round the new model version, the round
    /// record, the ledger entry and, after the session's last round, its completion. An aborted round passes only its
    /// record. Call off the session's gate (issue 12), then <see cref="Apply"/> under it.
    /// </summary>
    public Task CommitRoundAsync(RoundRecordData record, ModelVersionRecord? model, LedgerEntryData? ledger, bool completesSession)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Task.Run(() => store.CommitRoundAsync(record, model, ledger, completesSession ? SessionState.Completed : null, CancellationToken.None));
    }

    /// <summary>Makes a committed release the session's in-memory state. Call under the session's gate.</summary>
    public static void Apply(SessionRuntime session, ModelVersionRecord model, bool completesSession)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(model);
        session.Model = model;
        session.EpsilonSpent = Math.Max(session.EpsilonSpent, model.EpsilonSpent);
        session.CompletedRounds++;
        if (completesSession)
        {
            session.State = SessionState.Completed;
        }
    }
}
