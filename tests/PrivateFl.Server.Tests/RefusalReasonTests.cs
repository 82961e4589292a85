using Google.Rpc;
using Grpc.Core;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;

namespace PrivateFl.Server.Tests;

/// <summary>
/// Issue 12: each refusal of the coordinator carries its stable ErrorInfo reason (specs/api.md, "Statuses"), and the gRPC
/// layer sends it with its status code, so a client reads it by type.
/// </summary>
public sealed class RefusalReasonTests
{
    [Fact]
    public async Task Session_Unknown_NotFoundWithSessionNotFound()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        RpcException ex = await RefusedAsync(() => Task.FromResult(fixture.Coordinator.Session("no-such-session")));

        AssertReason(ex, StatusCode.NotFound, ErrorReasons.SessionNotFound);
    }

    [Fact]
    public async Task WaitForRound_OtherSchemaHash_FailedPreconditionWithSchemaMismatch()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        RpcException ex = await RefusedAsync(() => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, "bank-01", new string('b', 64), CancellationToken.None));

        AssertReason(ex, StatusCode.FailedPrecondition, ErrorReasons.SchemaMismatch);
    }

    [Fact]
    public async Task Stage_RoundNotOpen_FailedPreconditionWithRoundNotInProgress()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        RpcException ex = await RefusedAsync(() => fixture.Coordinator.ShareKeysAsync(CoordinatorFixture.SessionId, 7, "bank-01", [], CancellationToken.None));

        AssertReason(ex, StatusCode.FailedPrecondition, ErrorReasons.RoundNotInProgress);
    }

    [Fact]
    public async Task Stage_CallerOutsideTheRound_PermissionDeniedWithNotRoundParticipant()
    {
        using var fixture = new CoordinatorFixture(clients: 4, maximumClients: 3);
        RoundTicket[] tickets = await OpenRoundAsync(fixture, "bank-01", "bank-02", "bank-03");
        using var session = new ClientSession(tickets[0].Parameters, tickets[0].Index);

        RpcException ex = await RefusedAsync(() => fixture.Coordinator.AdvertiseKeysAsync(CoordinatorFixture.SessionId, tickets[0].RoundNumber, "bank-04", session.AdvertiseKeys(), CancellationToken.None));

        AssertReason(ex, StatusCode.PermissionDenied, ErrorReasons.NotRoundParticipant);
    }

    [Fact]
    public async Task Stage_MessageSentTwice_ProtocolViolationNamingTheViolation()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        RoundTicket[] tickets = await OpenRoundAsync(fixture, "bank-01", "bank-02", "bank-03");
        using var session = new ClientSession(tickets[0].Parameters, tickets[0].Index);
        AdvertisedKeys keys = session.AdvertiseKeys();
        Task<KeyDirectory> first = fixture.Coordinator.AdvertiseKeysAsync(CoordinatorFixture.SessionId, tickets[0].RoundNumber, "bank-01", keys, CancellationToken.None);

        RpcException ex = await RefusedAsync(() => fixture.Coordinator.AdvertiseKeysAsync(CoordinatorFixture.SessionId, tickets[0].RoundNumber, "bank-01", keys, CancellationToken.None));

        AssertReason(ex, StatusCode.FailedPrecondition, ErrorReasons.ProtocolViolation);
        Assert.Equal(nameof(SecAggViolation.DuplicateMessage), ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Metadata[ErrorReasons.ViolationKey]);
        Assert.False(first.IsCompleted);
    }

    [Fact]
    public async Task OpenRound_AWaitingBankRevokedBeforeTheRoundOpens_EveryWaiterGetsRoundNotFormed()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        Task<RoundTicket>[] waiting = [.. new[] { "bank-01", "bank-02", "bank-03" }.Select(id => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None))];
        fixture.Store.RevokeClient("bank-02");

        fixture.Time.Advance(fixture.Options.GatherWindow);

        foreach (Task<RoundTicket> wait in waiting)
        {
            AssertReason(await RefusedAsync(() => wait), StatusCode.FailedPrecondition, ErrorReasons.RoundNotFormed);
        }
    }

    [Fact]
    public async Task Guard_CoordinatorRefusalsOfEveryKind_KeepTheirCodeAndCarryTheirReason()
    {
        (CoordinatorErrorKind Kind, StatusCode Code, string Reason)[] cases =
        [
            (CoordinatorErrorKind.Aborted, StatusCode.Aborted, ErrorReasons.RoundAborted),
            (CoordinatorErrorKind.FailedPrecondition, StatusCode.FailedPrecondition, ErrorReasons.DroppedFromRound),
            (CoordinatorErrorKind.NotFound, StatusCode.NotFound, ErrorReasons.ModelVersionNotFound),
            (CoordinatorErrorKind.AlreadyWaiting, StatusCode.AlreadyExists, ErrorReasons.WaitAlreadyPending),
        ];

        foreach ((CoordinatorErrorKind kind, StatusCode code, string reason) in cases)
        {
            RpcException ex = await RefusedAsync<int>(() => throw new CoordinatorException(kind, "refused") { Reason = reason });
            AssertReason(ex, code, reason);
        }
    }

    [Fact]
    public async Task Guard_ArgumentException_InvalidRequestWithBadRequestNamingTheField()
    {
        RpcException ex = await RefusedAsync<int>(() => throw new ArgumentException("must be positive.", "vector_length"));

        AssertReason(ex, StatusCode.InvalidArgument, ErrorReasons.InvalidRequest);
        Assert.Equal("vector_length", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    private static async Task<RoundTicket[]> OpenRoundAsync(CoordinatorFixture fixture, params string[] ids)
    {
        Task<RoundTicket>[] waits = [.. ids.Select(id => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None))];
        fixture.Time.Advance(fixture.Options.GatherWindow);
        return await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static Task<RpcException> RefusedAsync<T>(Func<Task<T>> call) =>
        Assert.ThrowsAsync<RpcException>(() => RpcErrors.Guard(call));

    private static void AssertReason(RpcException ex, StatusCode code, string reason)
    {
        ErrorInfo? info = ex.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.Equal((code, reason, ErrorReasons.Domain), (ex.StatusCode, info?.Reason, info?.Domain));
    }
}
