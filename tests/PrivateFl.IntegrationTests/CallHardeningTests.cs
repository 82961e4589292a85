using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>Issue 10 ("Aggregation server") and issue 9 §7: hostile calls against the real server on 127.0.0.1.</summary>
public sealed class CallHardeningTests
{
    private const string GetModel = "/privatefl.v1.Federation/GetModel";
    private const string GetSession = "/privatefl.v1.Federation/GetSession";
    private const string WaitForRound = "/privatefl.v1.Federation/WaitForRound";

    // GetModelRequest { session_id = "s"; version = 0 } with the default version written out, and the same fields in
    // reverse order: both valid protobuf that a re-serialisation would turn into 0A 01 73.
    public static TheoryData<string> NonCanonicalEncodings => new() { "0A0173" + "1000", "1000" + "0A0173" };

    [Theory]
    [MemberData(nameof(NonCanonicalEncodings))]
    public async Task Call_NonCanonicalEncodingSignedOverItsWireBytes_Accepted(string hex)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        SigningKey key = await server.EnrollAsync("bank-1");
        using var channel = GrpcChannel.ForAddress(server.Address);
        byte[] message = Convert.FromHexString(hex);

        byte[] reply = await RawCalls.UnaryAsync(channel, GetModel, message, RawCalls.Sign(GetModel, "bank-1", key, message));

        Assert.Equal("s", ModelVersion.Parser.ParseFrom(reply).SessionId);
    }

    /// <summary>
    /// A body changed after signing no longer matches the signed x-privatefl-body-sha256: UNAUTHENTICATED with
    /// BODY_HASH_MISMATCH (CALL_NOT_AUTHENTICATED before the body hash header; changed on purpose: the signature itself
    /// verifies now, the body is what fails). Nothing changes: the signed headers are spent (the right body under them
    /// is a replay), and the bank's next call goes through.
    /// </summary>
    [Fact]
    public async Task Call_OneWireByteChangedAfterSigning_BodyHashMismatchAndNothingChanged()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        SigningKey key = await server.EnrollAsync("bank-1");
        using var channel = GrpcChannel.ForAddress(server.Address);
        byte[] message = Convert.FromHexString("0A01731000");
        Metadata headers = RawCalls.Sign(GetModel, "bank-1", key, message);
        byte[] changed = [.. message];
        changed[^1] = 0x01;
        ListClientsReply clientsBefore = await server.Admin.ListClientsAsync(new ListClientsRequest(), InProcessServer.AdminCall());

        var ex = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetModel, changed, headers));
        var replay = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetModel, message, headers));
        byte[] reply = await RawCalls.UnaryAsync(channel, GetModel, message, RawCalls.Sign(GetModel, "bank-1", key, message));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("BODY_HASH_MISMATCH", ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("CALL_REPLAYED", replay.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("s", ModelVersion.Parser.ParseFrom(reply).SessionId);
        Assert.Equal(clientsBefore, await server.Admin.ListClientsAsync(new ListClientsRequest(), InProcessServer.AdminCall()));
    }

    /// <summary>A signature over the body hash header that names another body is a bad signature: refused like one, before the body.</summary>
    [Fact]
    public async Task Call_BodyHashHeaderChangedAfterSigning_NotAuthenticated()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        using var channel = GrpcChannel.ForAddress(server.Address);
        byte[] message = Convert.FromHexString("0A0173");
        Metadata signed = RawCalls.Sign(GetSession, "bank-1", key, message);
        var headers = new Metadata();
        foreach (Metadata.Entry entry in signed)
        {
            headers.Add(entry.Key, entry.Key == Crypto.CallSignature.BodyHashHeader ? Crypto.CallSignature.BodyHashHeaderValue([.. message, 0]) : entry.Value);
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetSession, [.. message, 0], headers));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("CALL_NOT_AUTHENTICATED", ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }

    [Theory]
    [InlineData("FFFFFFFF")]          // a field number 0 / invalid tag
    [InlineData("0A10616263")]        // session_id announces 16 bytes, 3 follow
    [InlineData("0A02C328")]          // session_id is not UTF-8
    public async Task Call_GarbageOrTruncatedProtobufCorrectlySigned_InvalidArgumentNamingTheRequest(string hex)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        using var channel = GrpcChannel.ForAddress(server.Address);
        byte[] message = Convert.FromHexString(hex);

        var ex = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetSession, message, RawCalls.Sign(GetSession, "bank-1", key, message)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("MALFORMED_MESSAGE", ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Contains(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == "request");
    }

    [Fact]
    public async Task AdminCall_GarbageProtobuf_InvalidArgument()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var ex = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, "/privatefl.v1.Admin/CreateSession", [0xFF, 0xFF, 0xFF], InProcessServer.AdminCall().Headers!));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task Call_FrameShorterThanItsPrefixSays_InvalidArgument()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        using HttpClient http = RawCalls.Http2();
        byte[] message = Convert.FromHexString("0A0173");

        (StatusCode code, Google.Rpc.Status? details) = await RawCalls.PostAsync(http, server.Address, GetSession, RawCalls.Sign(GetSession, "bank-1", key, message), new ByteArrayContent(RawCalls.Frame(message, announcedLength: 100)));

        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal("MALFORMED_MESSAGE", RawCalls.Detail<ErrorInfo>(details)?.Reason);
    }

    [Fact]
    public async Task Call_CompressedMessage_RefusedWithoutInflating()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        using HttpClient http = RawCalls.Http2();
        byte[] message = Convert.FromHexString("0A0173");
        Metadata headers = RawCalls.Sign(GetSession, "bank-1", key, message);
        headers.Add("grpc-encoding", "gzip");

        (StatusCode code, Google.Rpc.Status? details) = await RawCalls.PostAsync(http, server.Address, GetSession, headers, new ByteArrayContent(RawCalls.Frame(message, compressed: true)));

        Assert.Equal(StatusCode.Unimplemented, code);
        Assert.Equal("REQUEST_COMPRESSION_REFUSED", RawCalls.Detail<ErrorInfo>(details)?.Reason);
    }

    [Fact]
    public async Task Call_UnknownRevokedOrBadlySigned_SameStatusMessageAndReason()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey enrolled = await server.EnrollAsync("bank-1");
        SigningKey revoked = await server.EnrollAsync("bank-2");
        await server.Admin.RevokeClientAsync(new RevokeClientRequest { ClientId = "bank-2" }, InProcessServer.AdminCall());
        using var stranger = SigningKey.Generate();
        using var channel = GrpcChannel.ForAddress(server.Address);
        byte[] message = new GetSessionRequest { SessionId = "s" }.ToByteArray();

        RpcException[] refusals =
        [
            await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetSession, message, RawCalls.Sign(GetSession, "nobody", stranger, message))),
            await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetSession, message, RawCalls.Sign(GetSession, "bank-2", revoked, message))),
            await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetSession, message, RawCalls.Sign(GetSession, "bank-1", stranger, message))),
        ];

        Assert.All(refusals, r => Assert.Equal(StatusCode.Unauthenticated, r.StatusCode));
        Assert.Single(refusals.Select(r => r.Status.Detail).Distinct());
        Assert.All(refusals, r => Assert.Equal("CALL_NOT_AUTHENTICATED", r.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason));
        Assert.NotNull(enrolled);
    }

    [Fact]
    public async Task WaitForRound_SecondConcurrentCallOfOneBank_AlreadyExistsWithReason()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SessionInfo session = await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        SigningKey key = await server.EnrollAsync("bank-1");
        using var channel = GrpcChannel.ForAddress(server.Address);
        byte[] message = new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "s", SchemaHash = session.SchemaHash }.ToByteArray();
        using var cancel = new CancellationTokenSource();
        Task<byte[]> first = RawCalls.UnaryAsync(channel, WaitForRound, message, RawCalls.Sign(WaitForRound, "bank-1", key, message), DateTime.UtcNow.AddSeconds(20));
        await Task.Delay(500);

        var second = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, WaitForRound, message, RawCalls.Sign(WaitForRound, "bank-1", key, message)));

        Assert.Equal(StatusCode.AlreadyExists, second.StatusCode);
        Assert.Equal("WAIT_ALREADY_PENDING", second.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.False(first.IsCompleted);
    }

    [Fact]
    public async Task Calls_MoreThanThePerClientLimitInFlight_ResourceExhaustedWithReason()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SigningKey key = await server.EnrollAsync("bank-1");
        var waits = new List<Task<byte[]>>();
        using var channel = GrpcChannel.ForAddress(server.Address);
        for (int i = 0; i < 4; i++)
        {
            SessionInfo session = await server.CreateCreditSessionAsync($"s{i}", clients: 3, rounds: 1);
            byte[] wait = new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = session.SessionId, SchemaHash = session.SchemaHash }.ToByteArray();
            waits.Add(RawCalls.UnaryAsync(channel, WaitForRound, wait, RawCalls.Sign(WaitForRound, "bank-1", key, wait), DateTime.UtcNow.AddSeconds(20)));
        }

        await Task.Delay(500);
        byte[] message = new GetSessionRequest { SessionId = "s0" }.ToByteArray();

        var fifth = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetSession, message, RawCalls.Sign(GetSession, "bank-1", key, message)));

        Assert.Equal(StatusCode.ResourceExhausted, fifth.StatusCode);
        Assert.Equal("CLIENT_CONCURRENCY_LIMIT", fifth.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.All(waits, w => Assert.False(w.IsCompleted));
    }

    [Fact]
    public async Task WaitForRound_CapturedCallReplayedAfterRestart_Unauthenticated()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        SessionInfo session = await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        SigningKey key = await server.EnrollAsync("bank-1");
        byte[] message = new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "s", SchemaHash = session.SchemaHash }.ToByteArray();
        Metadata captured = RawCalls.Sign(WaitForRound, "bank-1", key, message);
        using (var channel = GrpcChannel.ForAddress(server.Address))
        {
            var original = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, WaitForRound, message, captured, DateTime.UtcNow.AddMilliseconds(500)));
            Assert.Equal(StatusCode.DeadlineExceeded, original.StatusCode);
        }

        await server.RestartAsync();
        using var after = GrpcChannel.ForAddress(server.Address);
        var replay = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(after, WaitForRound, message, captured, DateTime.UtcNow.AddSeconds(5)));

        Assert.Equal(StatusCode.Unauthenticated, replay.StatusCode);
        Assert.Equal("CALL_REPLAYED", replay.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }

    public static TheoryData<string> BadIdentityKeys => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000", // y = 0: order 4
        "0100000000000000000000000000000000000000000000000000000000000000", // the identity: order 1
        "ECFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF7F", // y = p − 1: order 2
        "C7176A703D4DD84FBA3C0B760D10670F2A2053FA2C39CCC64EC7FD7792AC037A", // an order-8 point
        "EDFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF7F", // y = p: not canonical
        "EEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF7F", // y = p + 1: not canonical (encodes the identity)
    };

    [Theory]
    [MemberData(nameof(BadIdentityKeys))]
    public async Task EnrollClient_SmallOrderOrNonCanonicalKey_InvalidArgumentNamingTheKey(string hex)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = "bank-1", IdentityPublicKey = ByteString.CopyFrom(Convert.FromHexString(hex)) }, InProcessServer.AdminCall()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == "identity_public_key");
    }

    [Fact]
    public async Task EnrollClient_GeneratedKeyPlusThePointOfOrder2_RefusedAsMixedOrder()
    {
        // A + (0, −1) = (−x, −y): a point on the curve outside the prime-order subgroup, which verification alone accepts.
        using var key = SigningKey.Generate();
        var p = System.Numerics.BigInteger.Pow(2, 255) - 19;
        byte[] encoded = key.PublicKey.ToArray();
        int sign = encoded[31] >> 7;
        encoded[31] &= 0x7F;
        var y = new System.Numerics.BigInteger(encoded, isUnsigned: true);
        byte[] mixed = new byte[32];
        ((p - y) % p).TryWriteBytes(mixed, out _, isUnsigned: true);
        mixed[31] |= (byte)((1 - sign) << 7);
        await using InProcessServer server = await InProcessServer.StartAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = "bank-1", IdentityPublicKey = ByteString.CopyFrom(mixed) }, InProcessServer.AdminCall()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.False(Signatures.IsValidPublicKey(mixed));
    }

    [Fact]
    public void IsValidPublicKey_GeneratedKeys_Accepted()
    {
        for (int i = 0; i < 20; i++)
        {
            using var key = SigningKey.Generate();
            Assert.True(Signatures.IsValidPublicKey(key.PublicKey));
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ServerFiles_DatabaseAndLedger_OwnerOnly()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string ledgerDirectory = Path.Combine(server.LedgerDirectory, "bank-1");
        var ledger = new LocalPrivacyLedger(ledgerDirectory, "s");

        ledger.Record(new LocalPrivacyLedger.Entry(1, 1, 1, 1e-5, 0));

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(server.DatabasePath));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Directory.GetFiles(ledgerDirectory).Single()));
        Assert.All(new[] { server.DatabasePath + "-wal", server.DatabasePath + "-shm" }.Where(File.Exists), f => Assert.Equal(OwnerOnly, File.GetUnixFileMode(f)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task OwnerOnlyFile_KeyFileOverAnOldWorldReadableOne_WrittenOwnerOnly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"privatefl-key-{Guid.NewGuid():n}.key");
        await File.WriteAllTextAsync(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await OwnerOnlyFile.WriteAllTextAsync(path, "secret", CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("secret", await File.ReadAllTextAsync(path));
        File.Delete(path);
    }
}
