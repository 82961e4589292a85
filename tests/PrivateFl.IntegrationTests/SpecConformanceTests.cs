using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>The points of specs/api.md a client written from the specs alone relies on, over real gRPC.</summary>
public sealed class SpecConformanceTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task WaitForRound_ProtocolVersionUnset_InvalidArgumentNamingTheField()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        SessionInfo session = await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        Federation.FederationClient federation = RawClient(server, "bank-1", key, out GrpcChannel channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => federation.WaitForRoundAsync(new WaitForRoundRequest { SessionId = "s", SchemaHash = session.SchemaHash }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("protocol_version", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        channel.Dispose();
    }

    [Fact]
    public async Task WaitForRound_WrongSchemaHash_FailedPreconditionWithReasonSchemaMismatch()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        Federation.FederationClient federation = RawClient(server, "bank-1", key, out GrpcChannel channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => federation.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "s", SchemaHash = new string('0', 64) }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal(("SCHEMA_MISMATCH", "privatefl.v1"), (ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason, ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Domain));
        channel.Dispose();
    }

    [Fact]
    public async Task FederationRequests_ZeroValuedFields_RefusedAsTheZeroValuesTableSays()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        Federation.FederationClient federation = RawClient(server, "bank-1", key, out GrpcChannel channel);

        var noSession = await Assert.ThrowsAsync<RpcException>(() => federation.GetSessionAsync(new GetSessionRequest()).ResponseAsync);
        var noRound = await Assert.ThrowsAsync<RpcException>(() => federation.AdvertiseKeysAsync(new AdvertiseKeysRequest()).ResponseAsync);
        var roundZero = await Assert.ThrowsAsync<RpcException>(() => federation.AdvertiseKeysAsync(new AdvertiseKeysRequest { Round = new RoundRef { ProtocolVersion = ProtocolVersion._1, SessionId = "s" } }).ResponseAsync);
        var noSchema = await Assert.ThrowsAsync<RpcException>(() => federation.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "s" }).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "session_id"), (noSession.StatusCode, Field(noSession)));
        Assert.Equal((StatusCode.InvalidArgument, "round"), (noRound.StatusCode, Field(noRound)));
        Assert.Equal(StatusCode.FailedPrecondition, roundZero.StatusCode);
        Assert.Contains("not in progress", roundZero.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((StatusCode.FailedPrecondition, "SCHEMA_MISMATCH"), (noSchema.StatusCode, noSchema.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason));
        channel.Dispose();
    }

    [Fact]
    public async Task GetModel_VersionZero_IsTheCurrentModelBeforeAndAfterARound()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);
        SigningKey key = await server.EnrollAsync("reader");
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        Federation.FederationClient federation = RawClient(server, "reader", key, out GrpcChannel channel);

        ModelVersion initial = await federation.GetModelAsync(new GetModelRequest { SessionId = "s" });
        var negative = await Assert.ThrowsAsync<RpcException>(() => federation.GetModelAsync(new GetModelRequest { SessionId = "s", Version = -1 }).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => federation.GetModelAsync(new GetModelRequest { SessionId = "s", Version = 1 }).ResponseAsync);
        var clients = ids.Select(id => server.Client(id)).ToList();
        await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("s", banks[i]))).WaitAsync(Limit);
        ModelVersion current = await federation.GetModelAsync(new GetModelRequest { SessionId = "s" });
        ModelVersion one = await federation.GetModelAsync(new GetModelRequest { SessionId = "s", Version = 1 });

        Assert.Equal((0L, 0L), (initial.Version, initial.RoundNumber));
        Assert.All(initial.Weights, w => Assert.Equal(0.0, w));
        Assert.Equal(StatusCode.InvalidArgument, negative.StatusCode);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal((1L, 1L), (current.Version, current.RoundNumber));
        Assert.Equal(one, current);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }

        channel.Dispose();
    }

    private static string Field(RpcException ex) => Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field;

    private static Federation.FederationClient RawClient(InProcessServer server, string clientId, SigningKey key, out GrpcChannel channel)
    {
        channel = GrpcChannel.ForAddress(server.Address);
        return new Federation.FederationClient(channel.Intercept(new CallSigningInterceptor(clientId, key, TimeProvider.System)));
    }
}
