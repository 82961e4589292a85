using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>Refusals with the right status, while the round goes on for the honest clients.</summary>
public sealed class AuthenticationAndBadInputTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Call_UnenrolledClient_Unauthenticated()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        using var stranger = SigningKey.Generate();
        Federation.FederationClient federation = RawClient(server, "stranger", stranger, out GrpcChannel channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => federation.GetSessionAsync(new GetSessionRequest { SessionId = "s" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Contains("not enrolled", ex.Status.Detail, StringComparison.Ordinal);
        channel.Dispose();
    }

    [Fact]
    public async Task Call_RevokedClient_Unauthenticated()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        SigningKey key = await server.EnrollAsync("bank-1");
        await server.Admin.RevokeClientAsync(new RevokeClientRequest { ClientId = "bank-1" }, InProcessServer.AdminCall());
        using FederatedClient client = server.Client("bank-1");

        var ex = await Assert.ThrowsAsync<ClientRejectedException>(() => client.GetSessionAsync("s"));

        // The same message as for an unknown client or a bad signature (no enumeration of enrolled ids).
        Assert.Contains("not enrolled or is revoked", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(key);
    }

    [Fact]
    public async Task Call_WrongSignature_Unauthenticated()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        await server.EnrollAsync("bank-1");
        using var impostor = SigningKey.Generate();
        Federation.FederationClient federation = RawClient(server, "bank-1", impostor, out GrpcChannel channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => federation.GetSessionAsync(new GetSessionRequest { SessionId = "s" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        channel.Dispose();
    }

    [Fact]
    public async Task Admin_WrongKey_Unauthenticated()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.ListSessionsAsync(new ListSessionsRequest(), new CallOptions(new Metadata { { "x-privatefl-admin-key", "wrong" } })).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task CreateSession_BadFields_InvalidArgumentListingEachField()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        var request = new CreateSessionRequest { SchemaName = "x", SchemaHash = "not-a-hash", ModelLength = 0, TotalRounds = 1, MinimumClients = 2, MaximumClients = 1 };

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        foreach (string field in new[] { "schema_hash", "model_length", "minimum_clients", "maximum_clients", "sec_agg.mode", "training.rule" })
        {
            Assert.Contains(field, ex.Status.Detail, StringComparison.Ordinal);
        }

        Google.Rpc.BadRequest? details = ex.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>();
        Assert.NotNull(details);
        Assert.Contains(details.FieldViolations, v => v.Field == "model_length");
    }

    [Fact]
    public async Task Round_WrongVectorLengthAndReplayedMessages_RefusedAndTheRoundGoesOn()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromSeconds(10));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(4);
        string[] honest = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(honest);

        SigningKey rogueKey = await server.EnrollAsync("bank-4");
        SessionInfo session = await server.CreateCreditSessionAsync("s", clients: 4, rounds: 1);
        var clients = honest.Select(id => server.Client(id)).ToList();
        Task<TrainingReport[]> training = Task.WhenAll(clients.Select((c, i) => c.TrainAsync("s", banks[i])));

        // The fourth bank speaks raw gRPC so that it can send what an honest SDK never would.
        var capture = new CapturingInterceptor();
        Federation.FederationClient rogue = RawClient(server, "bank-4", rogueKey, out GrpcChannel channel, capture);
        RoundAnnouncement announcement = await rogue.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "s", SchemaHash = session.SchemaHash });
        (SecAggParameters parameters, _) = AnnouncementValidator.Validate(announcement, "s", "bank-4", rogueKey.PublicKey, (int)session.ModelLength);
        using var clientSession = new ClientSession(parameters, (int)announcement.YourIndex);
        var round = new RoundRef { ProtocolVersion = ProtocolVersion._1, SessionId = "s", RoundNumber = announcement.RoundNumber };
        AdvertisedKeys keys = clientSession.AdvertiseKeys();
        var advertise = new AdvertiseKeysRequest { Round = round, CipherPublicKey = ByteString.CopyFrom(keys.CipherPublicKey.Span), MaskPublicKey = ByteString.CopyFrom(keys.MaskPublicKey.Span) };

        // A round key with bit 255 set (X25519 ignores the bit, so it is another spelling of a key) is refused as
        // InvalidPublicKey before the round records anything (issue 9 §1); the valid advertisement below is accepted.
        byte[] nonCanonical = keys.MaskPublicKey.ToArray();
        nonCanonical[31] ^= 0x80;
        var refusedKey = await Assert.ThrowsAsync<RpcException>(() => rogue.AdvertiseKeysAsync(new AdvertiseKeysRequest { Round = round, CipherPublicKey = ByteString.CopyFrom(keys.CipherPublicKey.Span), MaskPublicKey = ByteString.CopyFrom(nonCanonical) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refusedKey.StatusCode);
        Assert.StartsWith("InvalidPublicKey: ", refusedKey.Status.Detail, StringComparison.Ordinal);
        KeyDirectoryReply directory = await rogue.AdvertiseKeysAsync(advertise);

        // A verbatim replay of the captured call (same nonce and signature) is refused before the handler, and so is
        // the same nonce written in upper case.
        var replay = await Assert.ThrowsAsync<RpcException>(() => capture.Replay(channel, advertise));
        Assert.Equal(StatusCode.Unauthenticated, replay.StatusCode);
        var upperCase = await Assert.ThrowsAsync<RpcException>(() => capture.Replay(channel, advertise, upperCaseNonce: true));
        Assert.Equal(StatusCode.Unauthenticated, upperCase.StatusCode);

        // The same stage message sent again with a fresh signature is refused by the round: as a duplicate, or
        // (once every client has answered and the stage has closed) as out of order.
        var duplicate = await Assert.ThrowsAsync<RpcException>(() => rogue.AdvertiseKeysAsync(advertise).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, duplicate.StatusCode);
        Assert.Matches("^(DuplicateMessage|StageOutOfOrder): ", duplicate.Status.Detail);

        ShareKeys shares = clientSession.ShareKeys(new KeyDirectory([.. directory.Entries.Select(e => new AdvertisedKeys((int)e.Index, e.CipherPublicKey.Memory, e.MaskPublicKey.Memory, e.Signature.Memory))]));
        var shareRequest = new ShareKeysRequest { Round = round };
        shareRequest.Shares.Add(shares.Shares.Select(s => new EncryptedShareMessage { Sender = (uint)s.Sender, Recipient = (uint)s.Recipient, Ciphertext = ByteString.CopyFrom(s.Ciphertext.Span) }));
        ShareDeliveryReply delivery = await rogue.ShareKeysAsync(shareRequest);
        MaskedInput masked = clientSession.MaskInput(new ShareDelivery([.. delivery.Shares.Select(s => new EncryptedShare((int)s.Sender, (int)s.Recipient, s.Ciphertext.Memory))]), new uint[parameters.VectorLength]);

        uint[] tooShort = masked.Vector[..^1].ToArray();
        var wrongLength = await Assert.ThrowsAsync<RpcException>(() => rogue.SubmitMaskedInputAsync(new MaskedInputRequest { Round = round, VectorLength = (uint)tooShort.Length, MaskedVector = ByteString.CopyFrom(MemoryMarshal.AsBytes(tooShort.AsSpan())) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, wrongLength.StatusCode);
        Assert.Contains("WrongVectorLength", wrongLength.Status.Detail, StringComparison.Ordinal);

        uint[] words = masked.Vector.ToArray();
        SurvivorListReply survivors = await rogue.SubmitMaskedInputAsync(new MaskedInputRequest { Round = round, VectorLength = (uint)words.Length, MaskedVector = ByteString.CopyFrom(MemoryMarshal.AsBytes(words.AsSpan())) });
        UnmaskShares revealed = clientSession.Unmask(new SurvivorList([.. survivors.Survivors.Select(s => (int)s)]));
        var unmask = new UnmaskRequest { Round = round };
        unmask.Shares.Add(revealed.Shares.Select(s => new RevealedShareMessage { Owner = (uint)s.Owner, Kind = s.Kind == Crypto.SecAgg.Messages.SecretKind.SelfMaskSeed ? Protocol.V1.SecretKind.SelfMaskSeed : Protocol.V1.SecretKind.MaskKey, Share = ByteString.CopyFrom(s.Share.Span) }));
        RoundResultReply result = await rogue.UnmaskAsync(unmask);

        TrainingReport[] reports = await training.WaitAsync(Limit);
        Assert.Equal(4, result.Included.Count);
        Assert.All(reports, r => Assert.Equal(1, r.RoundsParticipated));
        channel.Dispose();
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    private static Federation.FederationClient RawClient(InProcessServer server, string clientId, SigningKey key, out GrpcChannel channel, Interceptor? outer = null)
    {
        channel = GrpcChannel.ForAddress(server.Address);
        CallInvoker invoker = channel.CreateCallInvoker();
        if (outer is not null)
        {
            // Inside the signer, so it sees the signed headers.
            invoker = invoker.Intercept(outer);
        }

        return new Federation.FederationClient(invoker.Intercept(new CallSigningInterceptor(clientId, key, TimeProvider.System)));
    }

    /// <summary>Remembers the signed headers of the last AdvertiseKeys call so that a test can replay it verbatim.</summary>
    private sealed class CapturingInterceptor : Interceptor
    {
        private Metadata? _headers;

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            if (request is AdvertiseKeysRequest)
            {
                _headers = context.Options.Headers;
            }

            return continuation(request, context);
        }

        public Task<KeyDirectoryReply> Replay(GrpcChannel channel, AdvertiseKeysRequest request, bool upperCaseNonce = false)
        {
            var headers = new Metadata();
            foreach (Metadata.Entry entry in _headers!)
            {
                headers.Add(entry.Key, upperCaseNonce && entry.Key == "x-privatefl-nonce" ? entry.Value.ToUpperInvariant() : entry.Value);
            }

            return new Federation.FederationClient(channel).AdvertiseKeysAsync(request, headers).ResponseAsync;
        }
    }
}
