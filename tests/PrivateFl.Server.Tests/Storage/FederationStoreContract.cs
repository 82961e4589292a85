using System.Collections.Immutable;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Storage;

/// <summary>
/// The contract every <see cref="IFederationStore"/> provider keeps (as NSec's tests/Base run one suite over every
/// algorithm): each provider's test class derives from this and supplies fresh store instances over one database.
/// </summary>
/// <remarks>Ids are unique per test, so a provider may share one database between the tests of its class.</remarks>
public abstract class FederationStoreContract
{
    private readonly string _tag = Guid.NewGuid().ToString("n")[..12];

    /// <summary>A new store instance over the class's database (a second instance stands for a restart or another process).</summary>
    protected abstract IFederationStore NewStore();

    [Fact]
    public async Task MigrateAsync_RunTwiceOnAnUsedDatabase_KeepsTheData()
    {
        IFederationStore store = await StoreAsync();
        await store.EnrollClientAsync(Client("a"), CancellationToken.None);

        await store.MigrateAsync(CancellationToken.None);
        IFederationStore reopened = await StoreAsync();

        Assert.NotNull(await reopened.FindClientAsync(Id("a"), CancellationToken.None));
    }

    [Fact]
    public async Task EnrollClientAsync_NewThenDuplicate_StoredOnceWithItsKey()
    {
        IFederationStore store = await StoreAsync();
        EnrolledClient client = Client("a");

        bool first = await store.EnrollClientAsync(client, CancellationToken.None);
        bool second = await store.EnrollClientAsync(client with { IdentityPublicKey = Key(9) }, CancellationToken.None);

        Assert.True(first);
        Assert.False(second);
        EnrolledClient found = (await store.FindClientAsync(client.ClientId, CancellationToken.None))!;
        Assert.Equal(client.IdentityPublicKey.ToArray(), found.IdentityPublicKey.ToArray());
        Assert.Equal((false, false, 0, client.EnrolledUnixMs), (found.Revoked, found.Suspended, found.MisbehaviourCount, found.EnrolledUnixMs));
        Assert.Contains(await store.ListClientsAsync(CancellationToken.None), c => c.ClientId == client.ClientId);
        Assert.Null(await store.FindClientAsync(Id("nobody"), CancellationToken.None));
    }

    [Fact]
    public async Task ListClientsAsync_SeveralClients_OrderedById()
    {
        IFederationStore store = await StoreAsync();
        foreach (string name in new[] { "c", "a", "B", "b" })
        {
            await store.EnrollClientAsync(Client(name), CancellationToken.None);
        }

        string[] mine = [.. (await store.ListClientsAsync(CancellationToken.None)).Select(c => c.ClientId).Where(id => id.StartsWith(_tag, StringComparison.Ordinal))];

        Assert.Equal([Id("B"), Id("a"), Id("b"), Id("c")], mine);
    }

    [Fact]
    public async Task RevokeClientAsync_KnownAndUnknown_RevokesOnlyTheKnown()
    {
        IFederationStore store = await StoreAsync();
        await store.EnrollClientAsync(Client("a"), CancellationToken.None);

        EnrolledClient? revoked = await store.RevokeClientAsync(Id("a"), CancellationToken.None);
        EnrolledClient? unknown = await store.RevokeClientAsync(Id("nobody"), CancellationToken.None);

        Assert.True(revoked!.Revoked);
        Assert.True((await store.FindClientAsync(Id("a"), CancellationToken.None))!.Revoked);
        Assert.Null(unknown);
        Assert.False(await store.EnrollClientAsync(Client("a"), CancellationToken.None));
    }

    [Fact]
    public async Task RecordMisbehaviourAsync_ReachesTheLimit_SuspendsAndReenrolmentWithTheSameKeyReinstates()
    {
        IFederationStore store = await StoreAsync();
        await store.EnrollClientAsync(Client("a"), CancellationToken.None);

        EnrolledClient? first = await store.RecordMisbehaviourAsync(Id("a"), suspendAt: 2, CancellationToken.None);
        EnrolledClient? second = await store.RecordMisbehaviourAsync(Id("a"), suspendAt: 2, CancellationToken.None);
        bool otherKey = await store.EnrollClientAsync(Client("a") with { IdentityPublicKey = Key(9) }, CancellationToken.None);
        bool sameKey = await store.EnrollClientAsync(Client("a") with { EnrolledUnixMs = 99 }, CancellationToken.None);

        Assert.Equal((1, false), (first!.MisbehaviourCount, first.Suspended));
        Assert.Equal((2, true), (second!.MisbehaviourCount, second.Suspended));
        Assert.False(otherKey);
        Assert.True(sameKey);
        EnrolledClient reinstated = (await store.FindClientAsync(Id("a"), CancellationToken.None))!;
        Assert.Equal((0, false, 99L), (reinstated.MisbehaviourCount, reinstated.Suspended, reinstated.EnrolledUnixMs));
        Assert.Null(await store.RecordMisbehaviourAsync(Id("nobody"), 1, CancellationToken.None));
        Assert.False((await store.RecordMisbehaviourAsync(Id("a"), suspendAt: 0, CancellationToken.None))!.Suspended);
    }

    [Fact]
    public async Task CreateSessionAsync_NewThenDuplicate_StoresDefinitionVerbatimWithModelZero()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = Session("s");

        bool created = await store.CreateSessionAsync(session, Model(session.SessionId, 0, 0, 1.5, -2.25), CancellationToken.None);
        bool again = await store.CreateSessionAsync(session with { DefinitionJson = "{\"other\":true}" }, Model(session.SessionId, 0, 0, 7), CancellationToken.None);

        Assert.True(created);
        Assert.False(again);
        Assert.Equal(session, await store.FindSessionAsync(session.SessionId, CancellationToken.None));
        Assert.Contains(session, await store.ListSessionsAsync(CancellationToken.None));
        ModelVersionRecord model = (await store.FindLatestModelAsync(session.SessionId, CancellationToken.None))!;
        Assert.Equal([1.5, -2.25], model.Weights.ToArray());
        Assert.Equal(0, model.Version);
        Assert.Null(await store.FindSessionAsync(Id("nope"), CancellationToken.None));
        Assert.Null(await store.FindLatestModelAsync(Id("nope"), CancellationToken.None));
    }

    [Theory]
    [InlineData(SessionState.Active)]
    [InlineData(SessionState.Completed)]
    [InlineData(SessionState.BudgetExhausted)]
    public async Task SessionState_EveryValue_RoundTripsThroughEveryWritePath(SessionState state)
    {
        IFederationStore store = await StoreAsync();
        StoredSession created = Session("created") with { State = state };
        StoredSession changed = Session("changed");
        StoredSession committed = Session("committed");
        foreach (StoredSession session in new[] { created, changed, committed })
        {
            await store.CreateSessionAsync(session, Model(session.SessionId, 0, 0, 0), CancellationToken.None);
        }

        bool set = await store.SetSessionStateAsync(changed.SessionId, state, CancellationToken.None);
        await store.CommitRoundAsync(Round(committed.SessionId, 1, RoundOutcomeKind.Aborted), null, null, state, CancellationToken.None);
        IFederationStore reopened = await StoreAsync();

        Assert.True(set);
        foreach (StoredSession session in new[] { created, changed, committed })
        {
            Assert.Equal(state, (await reopened.FindSessionAsync(session.SessionId, CancellationToken.None))!.State);
        }

        Assert.False(await store.SetSessionStateAsync(Id("nope"), state, CancellationToken.None));
    }

    [Fact]
    public async Task CommitRoundAsync_Completed_CommitsModelRoundLedgerAndStateTogether()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "s");
        RoundRecordData round = Round(session.SessionId, 1, RoundOutcomeKind.Completed, modelVersion: 1);
        ModelVersionRecord model = Model(session.SessionId, 1, 1, 0.5, double.Epsilon, -0.0, 1e300);
        LedgerEntryData ledger = Ledger(session.SessionId, 1, 0.75);

        await store.CommitRoundAsync(round, model, ledger, SessionState.Completed, CancellationToken.None);
        IFederationStore reopened = await StoreAsync();

        AssertModel(model, (await reopened.FindModelAsync(session.SessionId, 1, CancellationToken.None))!);
        AssertModel(model, (await reopened.FindLatestModelAsync(session.SessionId, CancellationToken.None))!);
        Assert.Equal(0, (await reopened.FindModelAsync(session.SessionId, 0, CancellationToken.None))!.Version);
        Assert.Null(await reopened.FindModelAsync(session.SessionId, 2, CancellationToken.None));
        AssertRound(round, Assert.Single(await reopened.ListRoundsAsync(session.SessionId, CancellationToken.None)));
        Assert.Equal(ledger, Assert.Single(await reopened.ListLedgerAsync(session.SessionId, CancellationToken.None)));
        Assert.Equal(SessionState.Completed, (await reopened.FindSessionAsync(session.SessionId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task CommitRoundAsync_Aborted_RecordsTheRoundOnly()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "s");
        RoundRecordData round = Round(session.SessionId, 1, RoundOutcomeKind.Aborted) with { AbortReason = "too few survivors" };

        await store.CommitRoundAsync(round, null, null, null, CancellationToken.None);

        AssertRound(round, Assert.Single(await store.ListRoundsAsync(session.SessionId, CancellationToken.None)));
        Assert.Equal(0, (await store.FindLatestModelAsync(session.SessionId, CancellationToken.None))!.Version);
        Assert.Empty(await store.ListLedgerAsync(session.SessionId, CancellationToken.None));
        Assert.Equal(SessionState.Active, (await store.FindSessionAsync(session.SessionId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task CommitRoundAsync_FailsAfterTheModelIsWritten_LeavesTheOldState()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "s");
        await store.CommitRoundAsync(Round(session.SessionId, 1, RoundOutcomeKind.Completed, modelVersion: 1), Model(session.SessionId, 1, 1, 1), Ledger(session.SessionId, 1, 0.5), null, CancellationToken.None);

        // Round 1 again, now releasing version 2: the model row is inserted first, then the round record collides.
        Exception? failure = await Record.ExceptionAsync(() => store.CommitRoundAsync(Round(session.SessionId, 1, RoundOutcomeKind.Completed, modelVersion: 2), Model(session.SessionId, 2, 1, 2), null, SessionState.Completed, CancellationToken.None));

        Assert.NotNull(failure);
        Assert.IsNotType<ArgumentException>(failure);
        await AssertOneCompletedRoundAsync(store, session.SessionId);
    }

    [Fact]
    public async Task CommitRoundAsync_ModelVersionAlreadyReleased_RefusedAndNothingChanges()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "s");
        await store.CommitRoundAsync(Round(session.SessionId, 1, RoundOutcomeKind.Completed, modelVersion: 1), Model(session.SessionId, 1, 1, 1), Ledger(session.SessionId, 1, 0.5), null, CancellationToken.None);

        // Model versions are immutable: round 2 may not overwrite version 1.
        Exception? failure = await Record.ExceptionAsync(() => store.CommitRoundAsync(Round(session.SessionId, 2, RoundOutcomeKind.Completed, modelVersion: 1), Model(session.SessionId, 1, 2, 99), Ledger(session.SessionId, 2, 0.9), SessionState.Completed, CancellationToken.None));

        Assert.NotNull(failure);
        await AssertOneCompletedRoundAsync(store, session.SessionId);
    }

    [Fact]
    public async Task CommitRoundAsync_Cancelled_ThrowsAndLeavesTheOldState()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "s");
        await store.CommitRoundAsync(Round(session.SessionId, 1, RoundOutcomeKind.Completed, modelVersion: 1), Model(session.SessionId, 1, 1, 1), Ledger(session.SessionId, 1, 0.5), null, CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.CommitRoundAsync(Round(session.SessionId, 2, RoundOutcomeKind.Completed, modelVersion: 2), Model(session.SessionId, 2, 2, 2), Ledger(session.SessionId, 2, 0.9), SessionState.Completed, cancelled.Token));

        await AssertOneCompletedRoundAsync(store, session.SessionId);
    }

    [Fact]
    public async Task EveryMethod_CancelledToken_ThrowsOperationCanceledAndWritesNothing()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "s");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        CancellationToken token = cancelled.Token;
        Func<Task>[] calls =
        [
            () => store.MigrateAsync(token),
            () => store.FindClientAsync(Id("a"), token),
            () => store.ListClientsAsync(token),
            () => store.EnrollClientAsync(Client("a"), token),
            () => store.RevokeClientAsync(Id("a"), token),
            () => store.RecordMisbehaviourAsync(Id("a"), 1, token),
            () => store.CreateSessionAsync(Session("other"), Model(Id("other"), 0, 0, 0), token),
            () => store.FindSessionAsync(session.SessionId, token),
            () => store.ListSessionsAsync(token),
            () => store.SetSessionStateAsync(session.SessionId, SessionState.Completed, token),
            () => store.FindModelAsync(session.SessionId, 0, token),
            () => store.FindLatestModelAsync(session.SessionId, token),
            () => store.CommitRoundAsync(Round(session.SessionId, 1, RoundOutcomeKind.Aborted), null, null, null, token),
            () => store.ListRoundsAsync(session.SessionId, token),
            () => store.ListLedgerAsync(session.SessionId, token),
            () => store.TryRecordNonceAsync(Id("a"), new byte[16], long.MaxValue, token),
            () => store.PruneNoncesAsync(long.MaxValue, token),
            () => store.ReserveBudgetAsync(session.SessionId, 1, 10, 0, token),
            () => store.ListBudgetReservationsAsync(session.SessionId, token),
        ];

        foreach (Func<Task> call in calls)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(call);
        }

        Assert.Null(await store.FindClientAsync(Id("a"), CancellationToken.None));
        Assert.Null(await store.FindSessionAsync(Id("other"), CancellationToken.None));
        Assert.Equal(SessionState.Active, (await store.FindSessionAsync(session.SessionId, CancellationToken.None))!.State);
        Assert.Empty(await store.ListRoundsAsync(session.SessionId, CancellationToken.None));
        Assert.True(await store.TryRecordNonceAsync(Id("a"), new byte[16], long.MaxValue, CancellationToken.None));
        Assert.Empty(await store.ListBudgetReservationsAsync(session.SessionId, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveBudgetAsync_SameRoundAgainThroughANewStore_ReturnsTheFirstReservation()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "reserve");

        BudgetReservation first = (await store.ReserveBudgetAsync(session.SessionId, 7, 3, 1_000, CancellationToken.None))!;
        BudgetReservation again = (await NewStore().ReserveBudgetAsync(session.SessionId, 7, 3, 2_000, CancellationToken.None))!;
        BudgetReservation next = (await store.ReserveBudgetAsync(session.SessionId, 8, 3, 3_000, CancellationToken.None))!;

        Assert.Equal(new BudgetReservation(session.SessionId, 7, 1, 1_000), first);
        Assert.Equal(first, again);
        Assert.Equal(new BudgetReservation(session.SessionId, 8, 2, 3_000), next);
        Assert.Equal([first, next], await store.ListBudgetReservationsAsync(session.SessionId, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveBudgetAsync_BudgetPaysForNoMore_RefusedAndNothingStored()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "spent");
        Assert.NotNull(await store.ReserveBudgetAsync(session.SessionId, 1, 1, 0, CancellationToken.None));

        Assert.Null(await store.ReserveBudgetAsync(session.SessionId, 2, 1, 0, CancellationToken.None));
        Assert.Null(await store.ReserveBudgetAsync(session.SessionId, 3, 0, 0, CancellationToken.None));

        Assert.Equal([1L], (await store.ListBudgetReservationsAsync(session.SessionId, CancellationToken.None)).Select(r => r.RoundNumber));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReserveBudgetAsync(Id("missing"), 1, 5, 0, CancellationToken.None));
    }

    /// <summary>
    /// Issue 13: concurrent reservations, from several store instances as several silos would make them, never exceed the
    /// budget and never charge a round twice, whatever the interleaving; each round that asked more than once is
    /// answered with one reservation.
    /// </summary>
    [Fact]
    public async Task ReserveBudgetAsync_ConcurrentFromSeveralStores_NeverOverTheMaximumNorTwice()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "race");
        const int Maximum = 5;
        IFederationStore[] silos = [store, NewStore(), NewStore()];

        // 12 rounds, each asked for by every "silo" at once (a cohort per silo, or a restarted grain asking again).
        Task<BudgetReservation?>[] asks = [.. Enumerable.Range(1, 12).SelectMany(round => silos.Select(silo => Task.Run(() => silo.ReserveBudgetAsync(session.SessionId, round, Maximum, round, CancellationToken.None))))];
        BudgetReservation?[] answers = await Task.WhenAll(asks);

        IReadOnlyList<BudgetReservation> stored = await store.ListBudgetReservationsAsync(session.SessionId, CancellationToken.None);
        Assert.Equal(Maximum, stored.Count);
        Assert.Equal(Enumerable.Range(1, Maximum), stored.Select(r => r.Charge));
        Assert.Equal(Maximum, stored.Select(r => r.RoundNumber).Distinct().Count());
        foreach (IGrouping<long, BudgetReservation> round in answers.OfType<BudgetReservation>().GroupBy(a => a.RoundNumber))
        {
            // Every answer a round got is the one stored reservation of that round.
            Assert.Single(round.Distinct());
            Assert.Contains(round.First(), stored);
        }
    }

    [Fact]
    public async Task CommitRoundAsync_TwoSessionsConcurrently_EveryRoundOfBothCommitted()
    {
        IFederationStore store = await StoreAsync();
        StoredSession first = await NewSessionAsync(store, "first");
        StoredSession second = await NewSessionAsync(NewStore(), "second");
        const int Rounds = 8;

        async Task RunAsync(IFederationStore own, string sessionId)
        {
            for (int r = 1; r <= Rounds; r++)
            {
                await own.CommitRoundAsync(Round(sessionId, r, RoundOutcomeKind.Completed, modelVersion: r), Model(sessionId, r, r, r), Ledger(sessionId, r, r / 10.0), r == Rounds ? SessionState.Completed : null, CancellationToken.None);
            }
        }

        // Two store instances, as two server processes would have, writing at the same time.
        await Task.WhenAll(Task.Run(() => RunAsync(store, first.SessionId)), Task.Run(() => RunAsync(NewStore(), second.SessionId)));

        foreach (StoredSession session in new[] { first, second })
        {
            Assert.Equal(Enumerable.Range(1, Rounds).Select(r => (long)r), (await store.ListRoundsAsync(session.SessionId, CancellationToken.None)).Select(r => r.RoundNumber));
            Assert.Equal(Rounds, (await store.FindLatestModelAsync(session.SessionId, CancellationToken.None))!.Version);
            Assert.Equal(Rounds, (await store.ListLedgerAsync(session.SessionId, CancellationToken.None)).Count);
            Assert.Equal(SessionState.Completed, (await store.FindSessionAsync(session.SessionId, CancellationToken.None))!.State);
        }
    }

    [Fact]
    public async Task TryRecordNonceAsync_ReplayedThroughANewStoreInstance_Refused()
    {
        IFederationStore store = await StoreAsync();
        byte[] nonce = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];

        bool first = await store.TryRecordNonceAsync(Id("a"), nonce, 10_000, CancellationToken.None);
        IFederationStore restarted = await StoreAsync();
        bool replay = await restarted.TryRecordNonceAsync(Id("a"), nonce, 10_000, CancellationToken.None);
        bool otherClient = await restarted.TryRecordNonceAsync(Id("b"), nonce, 10_000, CancellationToken.None);

        Assert.True(first);
        Assert.False(replay);
        Assert.True(otherClient);
    }

    [Fact]
    public async Task PruneNoncesAsync_ExpiredOnly_ForgetsThoseAndKeepsTheRest()
    {
        IFederationStore store = await StoreAsync();
        await store.TryRecordNonceAsync(Id("a"), new byte[] { 1 }, 1_000, CancellationToken.None);
        await store.TryRecordNonceAsync(Id("a"), new byte[] { 2 }, long.MaxValue, CancellationToken.None);

        int pruned = await store.PruneNoncesAsync(2_000, CancellationToken.None);

        Assert.True(pruned >= 1);
        Assert.True(await store.TryRecordNonceAsync(Id("a"), new byte[] { 1 }, 1_000, CancellationToken.None));
        Assert.False(await store.TryRecordNonceAsync(Id("a"), new byte[] { 2 }, long.MaxValue, CancellationToken.None));
    }

    [Fact]
    public async Task BadInput_EveryKind_RefusedNamingTheArgumentAndNothingChanges()
    {
        IFederationStore store = await StoreAsync();
        StoredSession session = await NewSessionAsync(store, "s");
        string id = session.SessionId;

        await Assert.ThrowsAsync<ArgumentException>("client", () => store.EnrollClientAsync(Client("short") with { IdentityPublicKey = new byte[31] }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("clientId", () => store.FindClientAsync(" ", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("initialModel", () => store.CreateSessionAsync(Session("v1"), Model(Id("v1"), 1, 0, 0), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("session", () => store.CreateSessionAsync(Session("bad") with { State = (SessionState)42 }, Model(Id("bad"), 0, 0, 0), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("state", () => store.SetSessionStateAsync(id, (SessionState)0, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("newModel", () => store.CommitRoundAsync(Round(id, 1, RoundOutcomeKind.Completed, modelVersion: 1), null, Ledger(id, 1, 0.1), null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("newModel", () => store.CommitRoundAsync(Round(id, 1, RoundOutcomeKind.Aborted), Model(id, 1, 1, 1), null, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("newModel", () => store.CommitRoundAsync(Round(id, 1, RoundOutcomeKind.Completed, modelVersion: 1), Model(Id("other"), 1, 1, 1), null, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("ledgerEntry", () => store.CommitRoundAsync(Round(id, 1, RoundOutcomeKind.Completed, modelVersion: 1), Model(id, 1, 1, 1), Ledger(id, 2, 0.1), null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("round", () => store.CommitRoundAsync(Round(id, 1, (RoundOutcomeKind)7), null, null, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("newSessionState", () => store.CommitRoundAsync(Round(id, 1, RoundOutcomeKind.Aborted), null, null, (SessionState)9, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("nonce", () => store.TryRecordNonceAsync(Id("a"), ReadOnlyMemory<byte>.Empty, 1, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("roundNumber", () => store.ReserveBudgetAsync(id, -1, 5, 0, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("maximumCharges", () => store.ReserveBudgetAsync(id, 1, -1, 0, CancellationToken.None));

        Assert.Null(await store.FindClientAsync(Id("short"), CancellationToken.None));
        Assert.Null(await store.FindSessionAsync(Id("v1"), CancellationToken.None));
        Assert.Null(await store.FindSessionAsync(Id("bad"), CancellationToken.None));
        Assert.Empty(await store.ListRoundsAsync(id, CancellationToken.None));
        Assert.Equal(0, (await store.FindLatestModelAsync(id, CancellationToken.None))!.Version);
        Assert.Equal(SessionState.Active, (await store.FindSessionAsync(id, CancellationToken.None))!.State);
        Assert.Empty(await store.ListBudgetReservationsAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task CommitRoundAsync_UnknownSession_RefusedAndNothingStored()
    {
        IFederationStore store = await StoreAsync();
        string id = Id("ghost");

        Exception? failure = await Record.ExceptionAsync(() => store.CommitRoundAsync(Round(id, 1, RoundOutcomeKind.Completed, modelVersion: 1), Model(id, 1, 1, 1), Ledger(id, 1, 0.1), null, CancellationToken.None));

        Assert.NotNull(failure);
        Assert.Empty(await store.ListRoundsAsync(id, CancellationToken.None));
        Assert.Null(await store.FindModelAsync(id, 1, CancellationToken.None));
        Assert.Empty(await store.ListLedgerAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task AppendAuditAsync_SeveralEntries_ListedInOrderWithIdsAfterARestart()
    {
        IFederationStore store = await StoreAsync();
        long at = AuditTime();
        AuditEntry[] entries =
        [
            new(at, "admin", "127.0.0.1", "EnrollClient", Id("a") + " key:0123456789abcdef", "OK"),
            new(at + 1, "unauthenticated", "::1", "ListClients", string.Empty, "UNAUTHENTICATED ADMIN_KEY_INVALID"),
            new(at + 1, "admin", "10.0.0.7", "RevokeClient", Id("b"), "NOT_FOUND CLIENT_NOT_FOUND"),
        ];

        foreach (AuditEntry entry in entries)
        {
            await store.AppendAuditAsync(entry, CancellationToken.None);
        }

        IReadOnlyList<AuditEntry> listed = await (await StoreAsync()).ListAuditAsync(at, 10_000, CancellationToken.None);

        Assert.Equal(entries, listed.Select(e => e with { Id = 0 }));
        Assert.True(listed[0].Id > 0 && listed[0].Id < listed[1].Id && listed[1].Id < listed[2].Id);
    }

    [Fact]
    public async Task ListAuditAsync_SinceAndLimit_ReturnsTheLatestEntriesAtOrAfterSinceOldestFirst()
    {
        IFederationStore store = await StoreAsync();
        long at = AuditTime();
        for (int i = 0; i < 5; i++)
        {
            await store.AppendAuditAsync(new AuditEntry(at + i, "admin", "127.0.0.1", "GetSession", Id($"s{i}"), "OK"), CancellationToken.None);
        }

        IReadOnlyList<AuditEntry> latestTwo = await store.ListAuditAsync(at + 1, 2, CancellationToken.None);
        IReadOnlyList<AuditEntry> fromThird = await store.ListAuditAsync(at + 2, 100, CancellationToken.None);

        Assert.Equal([Id("s3"), Id("s4")], latestTwo.Select(e => e.TargetId));
        Assert.Equal([Id("s2"), Id("s3"), Id("s4")], fromThird.Select(e => e.TargetId));
        Assert.Contains(await store.ListAuditAsync(null, 10_000, CancellationToken.None), e => e.TargetId == Id("s0"));
    }

    [Fact]
    public async Task AppendAuditAsync_BadEntryOrLimit_RefusedAndNothingStored()
    {
        IFederationStore store = await StoreAsync();
        long at = AuditTime();
        var good = new AuditEntry(at, "admin", "127.0.0.1", "ListClients", Id("t"), "OK");

        await Assert.ThrowsAsync<ArgumentException>("entry", () => store.AppendAuditAsync(good with { Actor = " " }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("entry", () => store.AppendAuditAsync(good with { Method = new string('m', AuditEntry.MaxFieldLength + 1) }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>("entry", () => store.AppendAuditAsync(good with { Outcome = new string('o', AuditEntry.MaxOutcomeLength + 1) }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("limit", () => store.ListAuditAsync(null, 0, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("limit", () => store.ListAuditAsync(null, 10_001, CancellationToken.None));

        Assert.Empty(await store.ListAuditAsync(at, 100, CancellationToken.None));
    }

    /// <summary>
    /// A time later than every audit entry an earlier test wrote (microseconds now, as if they were milliseconds), so that
    /// "since" selects only this test's entries in a database the tests share.
    /// </summary>
    private static long AuditTime() => DateTime.UtcNow.Ticks / 10;

    private async Task<IFederationStore> StoreAsync()
    {
        IFederationStore store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    private async Task<StoredSession> NewSessionAsync(IFederationStore store, string name)
    {
        StoredSession session = Session(name);
        Assert.True(await store.CreateSessionAsync(session, Model(session.SessionId, 0, 0, 0, 0), CancellationToken.None));
        return session;
    }

    private static async Task AssertOneCompletedRoundAsync(IFederationStore store, string sessionId)
    {
        RoundRecordData round = Assert.Single(await store.ListRoundsAsync(sessionId, CancellationToken.None));
        Assert.Equal((1L, RoundOutcomeKind.Completed, (long?)1), (round.RoundNumber, round.Outcome, round.ModelVersion));
        ModelVersionRecord latest = (await store.FindLatestModelAsync(sessionId, CancellationToken.None))!;
        Assert.Equal((1L, 1.0), (latest.Version, latest.Weights[0]));
        Assert.Null(await store.FindModelAsync(sessionId, 2, CancellationToken.None));
        Assert.Equal(0.5, Assert.Single(await store.ListLedgerAsync(sessionId, CancellationToken.None)).EpsilonSpentTotal);
        Assert.Equal(SessionState.Active, (await store.FindSessionAsync(sessionId, CancellationToken.None))!.State);
    }

    private static void AssertModel(ModelVersionRecord expected, ModelVersionRecord actual)
    {
        Assert.Equal(expected with { Weights = default }, actual with { Weights = default });
        Assert.Equal(expected.Weights.Select(BitConverter.DoubleToInt64Bits), actual.Weights.Select(BitConverter.DoubleToInt64Bits));
    }

    private static void AssertRound(RoundRecordData expected, RoundRecordData actual)
    {
        Assert.Equal((expected.SessionId, expected.RoundNumber, expected.Outcome, expected.AbortReason, expected.ModelVersion), (actual.SessionId, actual.RoundNumber, actual.Outcome, actual.AbortReason, actual.ModelVersion));
        Assert.Equal((expected.StartedUnixMs, expected.EndedUnixMs, expected.Threshold, expected.Degree), (actual.StartedUnixMs, actual.EndedUnixMs, actual.Threshold, actual.Degree));
        Assert.Equal(expected.Participants, actual.Participants);
        Assert.Equal(expected.Included, actual.Included);
        Assert.Equal(expected.Dropped, actual.Dropped);
        Assert.Equal(expected.Stages, actual.Stages);
        Assert.Equal(expected.Culprits, actual.Culprits);
    }

    private string Id(string name) => $"{_tag}-{name}";

    private EnrolledClient Client(string name) => new(Id(name), Key(name.Length), false, 1_700_000_000_000);

    private static ReadOnlyMemory<byte> Key(int seed) => Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + seed)).ToArray();

    private StoredSession Session(string name) => new(Id(name), $$"""{"sessionId":"{{Id(name)}}","note":"kept verbatim: é ∑ \u0000"}""", SessionState.Active, 1_700_000_000_000);

    private static ModelVersionRecord Model(string sessionId, long version, long round, params double[] weights) =>
        new(sessionId, version, round, ImmutableArray.Create(weights), weights.Length, version * 0.25, 1e-5, $$"""{"epsilon":{{version * 0.25}}}""", 1_700_000_000_000 + version);

    private static LedgerEntryData Ledger(string sessionId, long round, double epsilon) =>
        new(sessionId, round, epsilon, 1e-5, """{"mechanism":"ddg"}""", 1_700_000_000_000 + round);

    private RoundRecordData Round(string sessionId, long number, RoundOutcomeKind outcome, long? modelVersion = null) =>
        new(
            sessionId,
            number,
            outcome,
            null,
            [Id("a"), Id("b"), Id("c")],
            outcome == RoundOutcomeKind.Completed ? [Id("a"), Id("b")] : [],
            outcome == RoundOutcomeKind.Completed ? [Id("c")] : [Id("a"), Id("b"), Id("c")],
            [new StageTimingData("AdvertiseKeys", 12.5, 3), new StageTimingData("Unmask", 3.25, 2)],
            modelVersion,
            1_700_000_000_000,
            1_700_000_001_000,
            2,
            2,
            [new RoundCulpritData(Id("c"), Misbehaviour.InconsistentSharing)]);
}
