using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>
/// Issue 12, end to end through the real server: each refusal reaches the client with its status code and ErrorInfo
/// reason (specs/api.md, "Statuses"), and the SDK turns it into the documented exception by that reason alone.
/// </summary>
public sealed class ErrorReasonTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Refusals_ThroughTheServer_CarryTheirReasonAndBecomeTheDocumentedException()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);
        var federation = new Federation.FederationClient(channel.CreateCallInvoker().Intercept(new CallSigningInterceptor("bank-1", key, TimeProvider.System)));
        using FederatedClient client = server.Client("bank-1");
        string hash = CreditSchemas.GermanCredit.Hash;

        // Through the SDK's own calls.
        AssertCause(await Assert.ThrowsAsync<SessionEndedException>(() => client.GetSessionAsync("no-such-session")), StatusCode.NotFound, RpcErrorTranslator.Reasons.SessionNotFound);
        AssertCause(await Assert.ThrowsAsync<SessionEndedException>(() => client.GetGlobalModelAsync("s", 9)), StatusCode.NotFound, RpcErrorTranslator.Reasons.ModelVersionNotFound);

        // Raw calls the SDK would not make, translated as the SDK translates every failed call.
        await AssertRefusedAsync<SchemaMismatchException>(() => federation.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "s", SchemaHash = new string('0', 64) }).ResponseAsync, StatusCode.FailedPrecondition, RpcErrorTranslator.Reasons.SchemaMismatch);
        RpcException version = await AssertRefusedAsync<ServerErrorException>(() => federation.WaitForRoundAsync(new WaitForRoundRequest { SessionId = "s", SchemaHash = hash }).ResponseAsync, StatusCode.InvalidArgument, RpcErrorTranslator.Reasons.ProtocolVersionUnsupported);
        Assert.Equal("protocol_version", Assert.Single(version.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        RpcException missing = await AssertRefusedAsync<ServerErrorException>(() => federation.GetSessionAsync(new GetSessionRequest()).ResponseAsync, StatusCode.InvalidArgument, RpcErrorTranslator.Reasons.InvalidRequest);
        Assert.Equal("session_id", Assert.Single(missing.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        await AssertRefusedAsync<ServerErrorException>(() => federation.ShareKeysAsync(new ShareKeysRequest { Round = new RoundRef { ProtocolVersion = ProtocolVersion._1, SessionId = "s", RoundNumber = 7 } }).ResponseAsync, StatusCode.FailedPrecondition, RpcErrorTranslator.Reasons.RoundNotInProgress);

        using (var cancel = new CancellationTokenSource())
        {
            // Two waits of one bank (of three, so no round opens): whichever arrives second is refused, the other waits on.
            var request = new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "s", SchemaHash = hash };
            Task<RoundAnnouncement> first = federation.WaitForRoundAsync(request, cancellationToken: cancel.Token).ResponseAsync;
            await Task.Delay(200);
            Task<RoundAnnouncement> second = federation.WaitForRoundAsync(request, cancellationToken: cancel.Token).ResponseAsync;
            Task<RoundAnnouncement> refused = await Task.WhenAny(first, second).WaitAsync(Limit);
            await AssertRefusedAsync<ServerErrorException>(() => refused, StatusCode.AlreadyExists, RpcErrorTranslator.Reasons.WaitAlreadyPending);
            Assert.False((refused == first ? second : first).IsCompleted);
            await cancel.CancelAsync();
        }

        // The operator's conflicts.
        await AssertRefusedAsync<ServerErrorException>(() => server.Admin.CreateSessionAsync(InProcessServer.CreditSessionRequest("s", 3, 1, new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 10, ClipNorm = 1, QuantizationScale = 1000, ServerLearningRate = 1, SamplingRate = 1 }, new PrivacySettings { Mode = DpMode.None }), InProcessServer.AdminCall()).ResponseAsync, StatusCode.AlreadyExists, RpcErrorTranslator.Reasons.SessionAlreadyExists);
        await AssertRefusedAsync<ServerErrorException>(() => server.Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = "bank-1", IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(key.PublicKey) }, InProcessServer.AdminCall()).ResponseAsync, StatusCode.AlreadyExists, RpcErrorTranslator.Reasons.ClientAlreadyEnrolled);
        await AssertRefusedAsync<ServerErrorException>(() => server.Admin.RevokeClientAsync(new RevokeClientRequest { ClientId = "ghost" }, InProcessServer.AdminCall()).ResponseAsync, StatusCode.NotFound, RpcErrorTranslator.Reasons.ClientNotFound);
        await AssertRefusedAsync<ClientRejectedException>(() => server.Admin.ListClientsAsync(new ListClientsRequest(), new CallOptions(new Metadata { { "x-privatefl-admin-key", "wrong-key-0123456789abcdef" } })).ResponseAsync, StatusCode.Unauthenticated, RpcErrorTranslator.Reasons.AdminKeyInvalid);
    }

    [Fact]
    public async Task Caller_UnknownOrRevoked_SameReasonAndClientRejected()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.EnrollAllAsync(["bank-1", "bank-2"]);
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        await server.Admin.RevokeClientAsync(new RevokeClientRequest { ClientId = "bank-2" }, InProcessServer.AdminCall());
        using var strangerKey = SigningKey.Generate();
        using var stranger = new FederatedClient(new FederatedClientOptions { ServerAddress = server.Address, ClientId = "stranger", MaxRetries = 0 }, strangerKey);
        using FederatedClient revoked = server.Client("bank-2");

        var unknown = await Assert.ThrowsAsync<ClientRejectedException>(() => stranger.GetSessionAsync("s"));
        var gone = await Assert.ThrowsAsync<ClientRejectedException>(() => revoked.GetSessionAsync("s"));

        // One reason for both, so the answer does not tell which ids are enrolled (specs/api.md, "Authentication").
        AssertCause(unknown, StatusCode.Unauthenticated, RpcErrorTranslator.Reasons.NotAuthenticated);
        AssertCause(gone, StatusCode.Unauthenticated, RpcErrorTranslator.Reasons.NotAuthenticated);
        Assert.Equal(((RpcException)unknown.InnerException!).Status.Detail, ((RpcException)gone.InnerException!).Status.Detail);
    }

    [Fact]
    public async Task WaitForRound_SessionCompleted_SessionCompletedReasonAndALateBankStopsWithThatReason()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        SigningKey key = await server.EnrollAsync("bank-1");
        await server.EnrollAllAsync(ids[1..]);
        await server.CreateCreditSessionAsync("done", clients: 3, rounds: 1);
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        FederatedClient[] clients = [.. ids.Select(id => server.Client(id))];
        try
        {
            TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("done", banks[i]))).WaitAsync(Limit);
            Assert.All(reports, r => Assert.Equal(TrainingStopReason.SessionCompleted, r.StopReason));

            using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);
            var federation = new Federation.FederationClient(channel.CreateCallInvoker().Intercept(new CallSigningInterceptor("bank-1", key, TimeProvider.System)));
            await AssertRefusedAsync<SessionEndedException>(() => federation.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "done", SchemaHash = CreditSchemas.GermanCredit.Hash }).ResponseAsync, StatusCode.FailedPrecondition, RpcErrorTranslator.Reasons.SessionCompleted);
            SessionInfo info = await server.Admin.GetSessionAsync(new GetSessionRequest { SessionId = "done" }, InProcessServer.AdminCall());
            Assert.Equal(SessionState.Completed, info.SessionState);
            Assert.Equal(RoundOutcome.Completed, Assert.Single((await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "done" }, InProcessServer.AdminCall())).Rounds).RoundOutcome);
        }
        finally
        {
            Array.ForEach(clients, c => c.Dispose());
        }
    }

    private static async Task<RpcException> AssertRefusedAsync<TExpected>(Func<Task> call, StatusCode code, string reason)
        where TExpected : FederationException
    {
        RpcException ex = await Assert.ThrowsAsync<RpcException>(call);
        ErrorInfo? info = ex.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.Equal((code, reason, RpcErrorTranslator.Domain), (ex.StatusCode, info?.Reason, info?.Domain));
        Assert.IsType<TExpected>(RpcErrorTranslator.Translate(ex, new Uri("http://127.0.0.1"), "bank-1", 0));
        return ex;
    }

    private static void AssertCause(FederationException exception, StatusCode code, string reason)
    {
        var rpc = Assert.IsType<RpcException>(exception.InnerException);
        Assert.Equal((code, reason), (rpc.StatusCode, RpcErrorTranslator.Reason(rpc)));
    }
}
