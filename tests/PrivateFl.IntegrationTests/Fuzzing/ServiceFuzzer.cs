using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Protocol.V1;
using ProtoMode = PrivateFl.Protocol.V1.SecAggMode;

namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>
/// Property-based fuzzing of the running aggregation server over gRPC (specs/api.md). Three phases:
/// <list type="number">
/// <item>Every request type of both services, with random field values, from an enrolled client that is in no
/// round (and with the admin key) and from callers whose authentication is missing, random, signed by the wrong
/// key, over another body or stale: only the statuses api.md documents for that input, a message on every
/// refusal, a <c>BadRequest</c> on every admin INVALID_ARGUMENT, and the listing of sessions, clients, rounds,
/// ledgers and model versions unchanged.</item>
/// <item>A participant of an open active-mode round sends, at every stage before its real message, broken
/// mutations of that message and random stage messages: each is refused (INVALID_ARGUMENT, FAILED_PRECONDITION or
/// NOT_FOUND), and the round then completes with all three banks.</item>
/// <item>An honest round on the session fuzzed in phase 1 completes.</item>
/// </list>
/// </summary>
internal sealed class ServiceFuzzer : IDisposable
{
    public const string OpenSession = "fuzz-open";
    public const string DeepSession = "fuzz-deep";
    private const string Outsider = "fuzz-outsider";
    private const string Victim = "fuzz-victim";
    private const int ModelLength = 8;
    private static readonly string OpenHash = new('a', 64);
    private static readonly string DeepHash = new('b', 64);
    private static readonly string[] Participants = ["fuzz-p1", "fuzz-p2", "fuzz-p3"];
    private static readonly string[] Sessions = [OpenSession, DeepSession, "no-such-session", string.Empty];
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);
    private static readonly StatusCode[] StageRefusals = [StatusCode.InvalidArgument, StatusCode.FailedPrecondition, StatusCode.NotFound];
    private static readonly TimeSpan StageCallTimeout = TimeSpan.FromMinutes(15);

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Admin.AdminClient _admin;
    private readonly string _adminKey;
    private readonly Dictionary<string, SigningKey> _keys = [];
    private readonly SigningKey _stranger = SigningKey.Generate();

    public ServiceFuzzer(Uri address, string adminKey)
    {
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxSendMessageSize = 32 << 20, MaxReceiveMessageSize = 32 << 20 });
        _invoker = _channel.CreateCallInvoker();
        _admin = new Admin.AdminClient(_invoker);
        _adminKey = adminKey;
    }

    /// <summary>Gets or sets where progress and each failure are written as they happen. Default: nowhere.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Gets or sets how inputs reach the server other than by gRPC (the bench). Default: null, over gRPC.</summary>
    public FuzzInvoker? Invoker { get; init; }

    /// <summary>Gets or sets how bank calls that are not validly signed reach the authentication middleware other than by gRPC (the bench). Default: null, over gRPC.</summary>
    public FuzzInvoker? MiddlewareInvoker { get; init; }

    /// <summary>Runs all three phases with this many inputs per request type (and per stage).</summary>
    /// <param name="inputsPerType">Inputs per request type in phase 1 and per stage in phase 2.</param>
    /// <param name="seed">Fixes every generated input (the nonces and keys are fresh each run).</param>
    /// <param name="parallelism">Concurrent callers per request type.</param>
    public async Task<FuzzReport> RunAsync(int inputsPerType, ulong seed, int parallelism)
    {
        var report = new FuzzReport(seed);
        var clock = Stopwatch.StartNew();
        await SetUpAsync();
        string before = await SnapshotAsync();
        IReadOnlyList<FuzzTarget> targets = ServiceTargets.All(Sessions, [OpenHash, DeepHash, string.Empty], [Outsider, Victim], [Victim, "fuzz-stranger"], ModelLength);
        Log?.Invoke($"phase 1: {targets.Count} request types × {inputsPerType} inputs");
        using var progress = new Timer(_ => Log?.Invoke($"… {report.Inputs} inputs after {clock.Elapsed.TotalSeconds:F0} s, {report.Failures.Count} failures"), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        // One caller per request type, so that parallel request types stay within ServerOptions:MaxConcurrentCallsPerClient.
        await Task.WhenAll(targets.Select((t, i) => RunInputsAsync(report, t, $"{Outsider}-{i}", inputsPerType, seed + ((ulong)i << 32), parallelism, authenticatedOnly: false)));

        // A cancelled long poll leaves the waiting list when the server sees the cancellation.
        await Task.Delay(TimeSpan.FromSeconds(1));
        string after = await SnapshotAsync();
        if (before != after)
        {
            report.Fail($"Phase 1 changed the server's state.\n--- before\n{before}--- after\n{after}");
        }

        Log?.Invoke($"phase 2 after {clock.Elapsed.TotalSeconds:F1} s");
        await FuzzRoundAsync(report, inputsPerType, seed, parallelism);
        Log?.Invoke($"phase 3 after {clock.Elapsed.TotalSeconds:F1} s");
        await HonestRoundAsync(report);
        report.Elapsed = clock.Elapsed;
        return report;
    }

    public void Dispose()
    {
        _channel.Dispose();
        _stranger.Dispose();
        foreach (SigningKey key in _keys.Values)
        {
            key.Dispose();
        }
    }

    private static string StageMethod(IMessage request) => request switch
    {
        AdvertiseKeysRequest => "AdvertiseKeys",
        ShareKeysRequest => "ShareKeys",
        MaskedInputRequest => "SubmitMaskedInput",
        ConsistencySignatureRequest => "SignSurvivors",
        UnmaskRequest => "Unmask",
        _ => throw new ArgumentException($"{request.Descriptor.Name} is not a stage message.", nameof(request)),
    };

    private static string Printable(System.Random random, int maxLength) =>
        new([.. Enumerable.Range(0, random.Next(maxLength + 1)).Select(_ => (char)random.Next(0x21, 0x7F))]);

    private static string Describe(IMessage request)
    {
        string json;
        try
        {
            json = request.ToString() ?? string.Empty;
        }
        catch (ArgumentException)
        {
            // A string with a lone surrogate has no JSON form; the bytes replay it.
            json = $"{request.Descriptor.Name} base64 {Convert.ToBase64String(request.ToByteArray())}";
        }

        return json.Length <= 400 ? json : $"{json[..400]}… ({request.CalculateSize()} bytes)";
    }

    private Metadata AdminCall() => new() { { "x-privatefl-admin-key", _adminKey } };

    private async Task SetUpAsync()
    {
        foreach (string id in (string[])[Outsider, Victim, .. Participants, .. Enumerable.Range(0, 16).Select(i => $"{Outsider}-{i}")])
        {
            var key = SigningKey.Generate();
            _keys[id] = key;
            await _admin.EnrollClientAsync(new EnrollClientRequest { ClientId = id, IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) }, AdminCall());
        }

        foreach ((string id, string hash, ProtoMode mode) in new[] { (OpenSession, OpenHash, ProtoMode.SemiHonest), (DeepSession, DeepHash, ProtoMode.Active) })
        {
            await _admin.CreateSessionAsync(
                new CreateSessionRequest
                {
                    SessionId = id,
                    SchemaName = "fuzz",
                    SchemaHash = hash,
                    ModelLength = ModelLength,
                    TotalRounds = 100,
                    MinimumClients = 3,
                    MaximumClients = 3,
                    SecAgg = new SecAggSettings { Mode = mode, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.3 },
                    Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 1, ClipNorm = 1, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
                    Privacy = new PrivacySettings { Mode = DpMode.None },
                },
                AdminCall());
        }
    }

    /// <summary>Everything a client or operator can list, except what the fuzzer may legitimately create or revoke.</summary>
    private async Task<string> SnapshotAsync()
    {
        var text = new StringBuilder();
        ListSessionsReply sessions = await _admin.ListSessionsAsync(new ListSessionsRequest(), AdminCall());
        foreach (SessionInfo s in sessions.Sessions.Where(s => !s.SessionId.StartsWith(FuzzGenerators.PoolPrefix, StringComparison.Ordinal)).OrderBy(s => s.SessionId, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"session {s.SessionId} {s.SessionState} completed={s.CompletedRounds} version={s.CurrentModelVersion} eps={s.EpsilonSpent:R}");
            ListRoundsReply rounds = await _admin.ListRoundsAsync(new ListRoundsRequest { SessionId = s.SessionId }, AdminCall());
            foreach (RoundRecord r in rounds.Rounds)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  round {r.RoundNumber} {r.RoundOutcome} version={r.ModelVersion}");
            }

            PrivacyLedgerReply ledger = await _admin.GetPrivacyLedgerAsync(new GetPrivacyLedgerRequest { SessionId = s.SessionId }, AdminCall());
            text.AppendLine(CultureInfo.InvariantCulture, $"  ledger {ledger.Entries.Count} spent={ledger.EpsilonSpent:R}");
            for (long v = 1; v <= s.CurrentModelVersion + 1; v++)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  model {v}: {await ModelDigestAsync(s.SessionId, v)}");
            }
        }

        ListClientsReply clients = await _admin.ListClientsAsync(new ListClientsRequest(), AdminCall());
        foreach (ClientInfo c in clients.Clients.Where(c => c.ClientId != Victim && !c.ClientId.StartsWith(FuzzGenerators.PoolPrefix, StringComparison.Ordinal)).OrderBy(c => c.ClientId, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"client {c.ClientId} revoked={c.Revoked} key={Convert.ToHexString(c.IdentityPublicKey.Span)}");
        }

        return text.ToString();
    }

    private async Task<string> ModelDigestAsync(string sessionId, long version)
    {
        Federation.FederationClient reader = Signed(Outsider);
        try
        {
            ModelVersion model = await reader.GetModelAsync(new GetModelRequest { SessionId = sessionId, Version = version });
            return Convert.ToHexString(SHA256.HashData(model.ToByteArray()));
        }
        catch (RpcException ex)
        {
            return ex.StatusCode.ToString();
        }
    }

    private Federation.FederationClient Signed(string clientId) =>
        new(_invoker.Intercept(new CallSigningInterceptor(clientId, _keys[clientId], TimeProvider.System)));

    private async Task RunInputsAsync(FuzzReport report, FuzzTarget target, string clientId, int count, ulong seed, int parallelism, bool authenticatedOnly)
    {
        const int Batch = 250;
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(worker => Task.Run(async () =>
        {
            int mine = (count / parallelism) + (worker < count % parallelism ? 1 : 0);
            var random = new System.Random(unchecked((int)seed + worker));
            for (int batch = 0; batch * Batch < mine; batch++)
            {
                ulong batchSeed = seed + ((ulong)worker << 20) + (ulong)batch;
                IMessage[] requests = target.Requests.Sample(Math.Min(Batch, mine - (batch * Batch)), new Rnd(batchSeed), 30);
                for (int i = 0; i < requests.Length; i++)
                {
                    FuzzAuth auth = authenticatedOnly || random.Next(2) == 0 ? FuzzAuth.Valid : (FuzzAuth)random.Next(1, target.IsAdmin ? 3 : 6);
                    await CheckAsync(report, target, clientId, requests[i], auth, random, $"batch seed {batchSeed}, input {i}");
                }
            }
        })));
    }

    private async Task CheckAsync(FuzzReport report, FuzzTarget target, string clientId, IMessage request, FuzzAuth auth, System.Random random, string where)
    {
        string method = target.Method == "*" ? StageMethod(request) : target.Method;
        byte[] body = request.ToByteArray();
        // In-process, an authenticated bank's call is handed over as the authentication middleware would; its
        // refusals of unauthenticated bank calls are fuzzed over gRPC, where that middleware runs.
        bool behindAuthentication = Invoker is not null && !target.IsAdmin && auth == FuzzAuth.Valid;
        Metadata headers = target.IsAdmin ? AdminHeaders(auth, random) : behindAuthentication ? [] : ClientHeaders($"/{target.Service}/{method}", clientId, body, auth, random);
        StatusCode status;
        string detail = string.Empty;
        RpcException? refusal = null;
        if (Invoker is not null && (target.IsAdmin || behindAuthentication))
        {
            (status, detail, refusal) = await Invoker(target.Service, method, body, headers, behindAuthentication ? clientId : null, target.Timeout);
        }
        else if (MiddlewareInvoker is not null && !target.IsAdmin)
        {
            (status, detail, refusal) = await MiddlewareInvoker(target.Service, method, body, headers, null, TimeSpan.FromSeconds(30));
        }
        else
        {
            var call = new Method<byte[], byte[]>(MethodType.Unary, target.Service, method, Raw, Raw);
            try
            {
                // Only an authenticated call may legitimately wait (a long poll); a refusal must come within the long deadline.
                TimeSpan timeout = auth == FuzzAuth.Valid ? target.Timeout : TimeSpan.FromSeconds(30);
                await _invoker.AsyncUnaryCall(call, null, new CallOptions(headers, DateTime.UtcNow + timeout), body);
                status = StatusCode.OK;
            }
            catch (RpcException ex)
            {
                (status, detail, refusal) = (ex.StatusCode, ex.Status.Detail, ex);
            }
        }

        string name = target.Method == "*" ? $"Round/{method}" : target.ToString();
        report.Count(name, status);
        StatusCode[] allowed = auth == FuzzAuth.Valid ? target.Allowed : [StatusCode.Unauthenticated];
        string? problem = !allowed.Contains(status) ? $"status {status} is not one of {string.Join("/", allowed)}"
            : status is not StatusCode.OK and not StatusCode.DeadlineExceeded && string.IsNullOrWhiteSpace(detail) ? "a refusal without a message"
            : status == StatusCode.InvalidArgument && target.IsAdmin && refusal!.GetRpcStatus()?.GetDetail<BadRequest>() is null ? "an admin INVALID_ARGUMENT without google.rpc.BadRequest"
            : refusal is not null && status is not StatusCode.DeadlineExceeded and not StatusCode.Cancelled && !HasDocumentedReason(refusal) ? "a refusal without a documented google.rpc.ErrorInfo reason of domain privatefl.v1 (specs/api.md, \"Statuses\")"
            : null;
        if (problem is not null)
        {
            string failure = $"{name} ({auth}, {where}): {problem}; detail \"{detail}\"; request {Describe(request)}";
            Log?.Invoke(failure);
            report.Fail(failure);
        }
    }

    /// <summary>Issue 12: every refusal carries an ErrorInfo whose reason the SDK knows, so no client ever has to read the text.</summary>
    private static bool HasDocumentedReason(RpcException refusal)
    {
        ErrorInfo? info = refusal.GetRpcStatus()?.GetDetail<ErrorInfo>();
        return info is not null && info.Domain == RpcErrorTranslator.Domain && RpcErrorTranslator.KnownReasons.ContainsKey(info.Reason);
    }

    private Metadata AdminHeaders(FuzzAuth auth, System.Random random)
    {
        if (auth == FuzzAuth.Valid)
        {
            return AdminCall();
        }

        // Random text, or the key with its last character changed: never the key itself.
        string wrong = random.Next(2) == 0 ? Printable(random, 40) : _adminKey[..^1] + (char)(_adminKey[^1] == '!' ? '?' : '!');
        return auth == FuzzAuth.Missing ? [] : new Metadata { { "x-privatefl-admin-key", wrong == _adminKey ? wrong + "!" : wrong } };
    }

    private Metadata ClientHeaders(string method, string clientId, byte[] body, FuzzAuth auth, System.Random random)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Metadata Sign(string id, SigningKey key, long timestamp, byte[] signedBody)
        {
            byte[] nonce = RandomNumberGenerator.GetBytes(CallSignature.NonceSize);
            byte[] signature = key.Sign(CallSignature.Payload(method, id, timestamp, nonce, signedBody));
            return new Metadata
            {
                { CallSignature.ClientHeader, id },
                { CallSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture) },
                { CallSignature.NonceHeader, Convert.ToHexStringLower(nonce) },
                { CallSignature.BodyHashHeader, CallSignature.BodyHashHeaderValue(signedBody) },
                { CallSignature.SignatureHeader, Convert.ToBase64String(signature) },
            };
        }

        Metadata valid = Sign(clientId, _keys[clientId], now, body);
        switch (auth)
        {
            case FuzzAuth.Valid:
                return valid;
            case FuzzAuth.Missing:
                int keep = random.Next(0b11111);
                return [.. valid.Where((_, i) => (keep & (1 << i)) != 0)];
            case FuzzAuth.RandomHeader:
                int replace = random.Next(5);
                return [.. valid.Select((e, i) => i == replace ? new Metadata.Entry(e.Key, Printable(random, 100)) : e)];
            case FuzzAuth.WrongKey:
                return random.Next(2) == 0 ? Sign(clientId, _stranger, now, body) : Sign($"{clientId}-stranger", _stranger, now, body);
            case FuzzAuth.TamperedBody:
                return Sign(clientId, _keys[clientId], now, [.. body, 1]);
            default:
                return Sign(clientId, _keys[clientId], now - (long)TimeSpan.FromHours(1).TotalMilliseconds, body);
        }
    }

    /// <summary>Phase 2: fuzz every stage of an active-mode round from a participant, then let the round finish.</summary>
    private async Task FuzzRoundAsync(FuzzReport report, int inputsPerStage, ulong seed, int parallelism)
    {
        Federation.FederationClient[] clients = [.. Participants.Select(Signed)];
        CallOptions Call() => new(deadline: DateTime.UtcNow + StageCallTimeout);
        RoundAnnouncement[] announcements = await Task.WhenAll(clients.Select(c => c.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = DeepSession, SchemaHash = DeepHash }, Call()).ResponseAsync));
        var validated = announcements.Select((a, i) => AnnouncementValidator.Validate(a, DeepSession, Participants[i], _keys[Participants[i]].PublicKey, ModelLength, Crypto.SecAgg.SecAggMode.Active)).ToArray();

        // The other two banks run the round honestly; their stage calls wait for the fuzzing bank at every stage.
        Task<RoundResultReply>[] others = [.. Enumerable.Range(1, 2).Select(i => new RoundRunner(clients[i], _keys[Participants[i]]).RunAsync(announcements[i], validated[i].Parameters, validated[i].IdentityKeys, new uint[ModelLength], CancellationToken.None))];

        RoundAnnouncement mine = announcements[0];
        using var session = new ClientSession(validated[0].Parameters, (int)mine.YourIndex, _keys[Participants[0]], validated[0].IdentityKeys);
        var round = new RoundRef { ProtocolVersion = ProtocolVersion._1, SessionId = DeepSession, RoundNumber = mine.RoundNumber };
        int stage = 0;
        async Task<T> FuzzThenSend<T>(IMessage valid, Func<Task<T>> send)
        {
            var target = new FuzzTarget(FuzzTarget.FederationService, "*", StageInputs.For(valid, Sessions, ModelLength), StageRefusals, TimeSpan.FromSeconds(30));
            await RunInputsAsync(report, target, Participants[0], inputsPerStage, seed + ((ulong)++stage << 40), parallelism, authenticatedOnly: true);
            return await send();
        }

        AdvertisedKeys keys = session.AdvertiseKeys();
        var advertise = new AdvertiseKeysRequest { Round = round, CipherPublicKey = ByteString.CopyFrom(keys.CipherPublicKey.Span), MaskPublicKey = ByteString.CopyFrom(keys.MaskPublicKey.Span), Signature = ByteString.CopyFrom(keys.Signature.Span), SelfMaskCommitment = ByteString.CopyFrom(keys.SelfMaskCommitment.Span) };
        KeyDirectoryReply directory = await FuzzThenSend(advertise, () => clients[0].AdvertiseKeysAsync(advertise, Call()).ResponseAsync);

        ShareKeys shares = session.ShareKeys(new KeyDirectory([.. directory.Entries.Select(e => new AdvertisedKeys((int)e.Index, e.CipherPublicKey.Memory, e.MaskPublicKey.Memory, e.Signature.Memory, e.SelfMaskCommitment.Memory))]));
        var share = new ShareKeysRequest { Round = round };
        share.Shares.Add(shares.Shares.Select(s => new EncryptedShareMessage { Sender = (uint)s.Sender, Recipient = (uint)s.Recipient, Ciphertext = ByteString.CopyFrom(s.Ciphertext.Span), Commitments = ByteString.CopyFrom(s.Commitments.Span), Signature = ByteString.CopyFrom(s.Signature.Span) }));
        ShareDeliveryReply delivery = await FuzzThenSend(share, () => clients[0].ShareKeysAsync(share, Call()).ResponseAsync);

        MaskedInput masked = session.MaskInput(new ShareDelivery([.. delivery.Shares.Select(s => new EncryptedShare((int)s.Sender, (int)s.Recipient, s.Ciphertext.Memory, s.Commitments.Memory, s.Signature.Memory))]), new uint[ModelLength]);
        uint[] words = masked.Vector.ToArray();
        var input = new MaskedInputRequest { Round = round, VectorLength = (uint)words.Length, MaskedVector = ByteString.CopyFrom(MemoryMarshal.AsBytes(words.AsSpan())) };
        input.Complaints.Add((masked.Complaints ?? []).Select(c => new ShareComplaintMessage { Dealer = (uint)c.Dealer, SharedPoint = ByteString.CopyFrom(c.SharedPoint.Span), Proof = ByteString.CopyFrom(c.Proof.Span) }));
        SurvivorListReply survivors = await FuzzThenSend(input, () => clients[0].SubmitMaskedInputAsync(input, Call()).ResponseAsync);

        ConsistencySignature signature = session.ConsistencyCheck(new SurvivorList([.. survivors.Survivors.Select(s => (int)s)]));
        var sign = new ConsistencySignatureRequest { Round = round, Signature = ByteString.CopyFrom(signature.Signature.Span) };
        ConsistencyProofReply proof = await FuzzThenSend(sign, () => clients[0].SignSurvivorsAsync(sign, Call()).ResponseAsync);

        UnmaskShares revealed = session.Unmask(new ConsistencyProof([.. proof.Survivors.Select(s => (int)s)], [.. proof.Signatures.Select(s => new ConsistencySignature((int)s.Index, s.Signature.Memory))]));
        var unmask = new UnmaskRequest { Round = round };
        unmask.Shares.Add(revealed.Shares.Select(s => new RevealedShareMessage { Owner = (uint)s.Owner, Kind = s.Kind == Crypto.SecAgg.Messages.SecretKind.SelfMaskSeed ? Protocol.V1.SecretKind.SelfMaskSeed : Protocol.V1.SecretKind.MaskKey, Share = ByteString.CopyFrom(s.Share.Span), Salt = ByteString.CopyFrom(s.Salt.Span) }));
        unmask.PairPoints.Add((revealed.PairPoints ?? []).Select(p => new RevealedPairPointMessage { Peer = (uint)p.Peer, SharedPoint = ByteString.CopyFrom(p.SharedPoint.Span), Proof = ByteString.CopyFrom(p.Proof.Span) }));
        RoundResultReply result = await FuzzThenSend(unmask, () => clients[0].UnmaskAsync(unmask, Call()).ResponseAsync);

        RoundResultReply[] all = [result, .. await Task.WhenAll(others)];
        if (all.Any(r => r.ModelVersion != 1 || r.Included.Count != 3))
        {
            report.Fail($"The fuzzed round did not complete with all three banks: {string.Join("; ", all.Select(r => r.ToString()))}");
        }
    }

    /// <summary>Phase 3: after all that, an honest round on the session fuzzed in phase 1 completes and is recorded.</summary>
    private async Task HonestRoundAsync(FuzzReport report)
    {
        Federation.FederationClient[] clients = [.. Participants.Select(Signed)];
        RoundAnnouncement[] announcements = await Task.WhenAll(clients.Select(c => c.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = OpenSession, SchemaHash = OpenHash }, deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync));
        RoundResultReply[] results = await Task.WhenAll(announcements.Select((a, i) =>
        {
            (SecAggParameters parameters, Dictionary<int, ReadOnlyMemory<byte>> identityKeys) = AnnouncementValidator.Validate(a, OpenSession, Participants[i], _keys[Participants[i]].PublicKey, ModelLength);
            return new RoundRunner(clients[i], _keys[Participants[i]]).RunAsync(a, parameters, identityKeys, new uint[ModelLength], CancellationToken.None);
        }));
        ListRoundsReply rounds = await _admin.ListRoundsAsync(new ListRoundsRequest { SessionId = OpenSession }, AdminCall());
        PrivacyLedgerReply ledger = await _admin.GetPrivacyLedgerAsync(new GetPrivacyLedgerRequest { SessionId = OpenSession }, AdminCall());
        if (results.Any(r => r.ModelVersion != 1 || r.Included.Count != 3) || rounds.Rounds.Count != 1 || rounds.Rounds[0].RoundOutcome != RoundOutcome.Completed || ledger.Entries.Count != 1)
        {
            report.Fail($"The honest round after fuzzing did not complete and get recorded: {string.Join("; ", results.Select(r => r.ToString()))}; rounds {rounds}; ledger entries {ledger.Entries.Count}");
        }
    }
}
