using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>The operator's view of a running server: health, reflection, the metrics endpoint and the audit log (issue 14).</summary>
public sealed class ObservabilityTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task HealthCheck_NoSignatureNoKey_ServingOnceTheStoreIsMigrated()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);

        HealthCheckResponse overall = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);
    }

    [Fact]
    public async Task HealthCheck_PathInAnotherLetterCase_RefusedBeforeGrpc()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);

        var refused = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, "/GRPC.health.v1.Health/check", [], new Metadata()));

        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
        Assert.Equal("METHOD_NAME_NOT_EXACT", refused.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task HealthCheck_BodyOverTheUnsignedLimit_NotServed()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        using HttpClient http = RawCalls.Http2();

        // A HealthCheckRequest with a 100 KB unknown field: parseable, but over the 64 KiB an unsigned call may send.
        byte[] message = [.. new byte[] { 0x7a }, .. Varint(100_000), .. new byte[100_000]];
        (StatusCode code, _) = await RawCalls.PostAsync(http, server.Address, "/grpc.health.v1.Health/Check", new Metadata(), new ByteArrayContent(RawCalls.Frame(message)));

        Assert.NotEqual(StatusCode.OK, code);
    }

    [Fact]
    public async Task Reflection_NotConfigured_Unimplemented()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);

        var refused = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(channel));

        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
    }

    [Fact]
    public async Task Reflection_Configured_ListsThePrivateFlAndHealthServices()
    {
        await using InProcessServer server = await InProcessServer.StartWithAsync(new Dictionary<string, string?> { ["Observability:GrpcReflection"] = "true" });
        using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);

        string[] services = await ListServicesAsync(channel);

        Assert.Contains("privatefl.v1.Admin", services);
        Assert.Contains("privatefl.v1.Federation", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task Metrics_NotConfigured_NoManagementListener()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        using HttpClient http = RawCalls.Http2();

        using HttpResponseMessage onGrpcPort = await http.GetAsync(new Uri(server.Address, "/metrics"));

        Assert.Single(server.Addresses);
        Assert.Equal(HttpStatusCode.NotFound, onGrpcPort.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterARound_ScrapedOverHttp11WithTheAdminKeyOnly()
    {
        await using InProcessServer server = await InProcessServer.StartWithAsync(new Dictionary<string, string?>
        {
            ["Observability:PrometheusEndpoint"] = "true",
            ["Observability:ManagementUrl"] = "http://127.0.0.1:0",
        });
        Uri management = server.Addresses.Single(a => a != server.Address);
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        string[] ids = ["m-1", "m-2", "m-3"];
        await server.EnrollAllAsync(ids);
        await server.CreateCreditSessionAsync("metered", clients: 3, rounds: 1);
        FederatedClient[] clients = [.. ids.Select(id => server.Client(id))];
        await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("metered", banks[i]))).WaitAsync(Limit);
        using var http = new HttpClient();

        using HttpResponseMessage withoutKey = await http.GetAsync(new Uri(management, "/metrics"));
        using HttpResponseMessage wrongKey = await http.SendAsync(Scrape(management, "not-the-admin-key-at-all"));
        using HttpResponseMessage withKey = await http.SendAsync(Scrape(management, InProcessServer.AdminKey));
        using HttpResponseMessage otherPath = await http.SendAsync(Scrape(management, InProcessServer.AdminKey, "/privatefl.v1.Admin/ListClients"));
        string text = await withKey.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(HttpVersion.Version11, withKey.Version);
        Assert.Equal(HttpStatusCode.NotFound, otherPath.StatusCode);
        Assert.Contains("privatefl_server_rounds_opened_total{", text, StringComparison.Ordinal);
        Assert.Contains("privatefl_server_rounds_completed_total{", text, StringComparison.Ordinal);
        Assert.Contains("privatefl_server_stage_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("session=\"metered\"", text, StringComparison.Ordinal);
        Assert.Contains("privatefl_server_privacy_epsilon_spent{", text, StringComparison.Ordinal);
        Assert.Contains("privatefl_server_banks_connected", text, StringComparison.Ordinal);
        Assert.DoesNotContain("m-1", text, StringComparison.Ordinal);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task AuditLog_AdminCallsAndARefusedOne_RecordedWithWhoWhatOutcomeAndNoSecret()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        using var key = PrivateFl.Crypto.Primitives.SigningKey.Generate();
        byte[] publicKey = key.PublicKey.ToArray();
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await server.Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = "audited", IdentityPublicKey = ByteString.CopyFrom(publicKey) }, InProcessServer.AdminCall());
        await Assert.ThrowsAsync<RpcException>(async () => await server.Admin.RevokeClientAsync(new RevokeClientRequest { ClientId = "nobody" }, InProcessServer.AdminCall()));
        await Assert.ThrowsAsync<RpcException>(async () => await server.Admin.ListClientsAsync(new ListClientsRequest(), new CallOptions(new Metadata { { "x-privatefl-admin-key", "a-wrong-admin-key-guess" } })));
        ListAuditLogReply log = await server.Admin.ListAuditLogAsync(new ListAuditLogRequest { SinceUnixMs = before }, InProcessServer.AdminCall());

        AuditLogEntry[] entries = [.. log.Entries];
        Assert.Equal(["EnrollClient", "RevokeClient", "ListClients"], entries.Select(e => e.Method));
        Assert.Equal(["admin", "admin", "unauthenticated"], entries.Select(e => e.Actor));
        Assert.Equal(["OK", "NOT_FOUND CLIENT_NOT_FOUND", "UNAUTHENTICATED ADMIN_KEY_INVALID"], entries.Select(e => e.Outcome));
        Assert.Equal("audited key:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(publicKey))[..16], entries[0].TargetId);
        Assert.Equal("nobody", entries[1].TargetId);
        Assert.All(entries, e => Assert.True(e.RemoteAddress == "127.0.0.1" && e.TimestampUnixMs >= before && e.Id > 0, e.ToString()));
        string everything = string.Join('\n', entries.Select(e => e.ToString()));
        Assert.DoesNotContain(InProcessServer.AdminKey, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("a-wrong-admin-key-guess", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(publicKey), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(publicKey), everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAuditLog_LimitOverTheMaximum_InvalidArgumentNamingTheField()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await server.Admin.ListAuditLogAsync(new ListAuditLogRequest { Limit = 10_001 }, InProcessServer.AdminCall()));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("limit", refused.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Single().Field);
    }

    private static HttpRequestMessage Scrape(Uri management, string key, string path = "/metrics")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(management, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static async Task<string[]> ListServicesAsync(GrpcChannel channel)
    {
        using AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)];
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
