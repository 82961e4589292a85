using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Grpc.Core;
using PrivateFl.Protocol.V1;
using static PrivateFl.IntegrationTests.Fuzzing.FuzzGenerators;

namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>
/// Every request type of the federation and admin services with a generator of hostile field values, and the
/// statuses specs/api.md ("Statuses") documents for an authenticated caller that is not in any round.
/// </summary>
internal static class ServiceTargets
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A valid WaitForRound waits; its deadline ends it, which the property then allows.</summary>
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(2);

    /// <param name="sessions">Session ids to mix in: existing ones and unknown ones.</param>
    /// <param name="schemaHashes">Schema hashes to mix in; a WaitForRound with the first one (rarely chosen) waits.</param>
    /// <param name="enrolled">Client ids to mix into enrolment requests (already enrolled ones).</param>
    /// <param name="revocable">Client ids the fuzzer may revoke: never one whose calls the fuzzer still needs.</param>
    /// <param name="modelLength">The sessions' model length, to hit and miss the vector size.</param>
    public static IReadOnlyList<FuzzTarget> All(string[] sessions, string[] schemaHashes, string[] enrolled, string[] revocable, int modelLength)
    {
        StatusCode[] read = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound];
        StatusCode[] stage = [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.PermissionDenied];
        int vectorBytes = 4 * modelLength;
        return
        [
            Federation("GetSession", Gen.Select(Text(sessions), s => (IMessage)new GetSessionRequest { SessionId = s }), read),
            new FuzzTarget(
                FuzzTarget.FederationService,
                "WaitForRound",
                from version in Version()
                from session in Text(sessions)
                from hash in Gen.Frequency((1, Gen.Constant(schemaHashes[0])), (49, Text(schemaHashes[1..])))
                select (IMessage)new WaitForRoundRequest { ProtocolVersion = version, SessionId = session, SchemaHash = hash },
                [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.AlreadyExists, StatusCode.DeadlineExceeded],
                WaitTimeout),
            Federation("AdvertiseKeys", Advertise(sessions), stage),
            Federation("ShareKeys", Shares(sessions), stage),
            Federation("SubmitMaskedInput", Masked(sessions, modelLength, vectorBytes), stage),
            Federation("SignSurvivors", Signature(sessions), stage),
            Federation("Unmask", Unmask(sessions), stage),
            Federation("Expel", Expel(sessions), stage),
            Federation(
                "GetModel",
                from session in Text(sessions)
                from version in Int64(1, 2, 3)
                select (IMessage)new GetModelRequest { SessionId = session, Version = version },
                read),
            Admin("CreateSession", CreateSession(sessions, schemaHashes, modelLength), [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.AlreadyExists]),
            Admin("ListSessions", Gen.Constant((IMessage)new ListSessionsRequest()), [StatusCode.OK]),
            Admin("GetSession", Gen.Select(Text(sessions), s => (IMessage)new GetSessionRequest { SessionId = s }), read),
            Admin(
                "EnrollClient",
                from id in CreatableId(enrolled)
                from key in ByteStrings(32)
                select (IMessage)new EnrollClientRequest { ClientId = id, IdentityPublicKey = key },
                [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.AlreadyExists]),
            Admin("RevokeClient", Gen.Select(Text(revocable), id => (IMessage)new RevokeClientRequest { ClientId = id }), [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound]),
            Admin("ListClients", Gen.Constant((IMessage)new ListClientsRequest()), [StatusCode.OK]),
            Admin("ListRounds", Gen.Select(Text(sessions), s => (IMessage)new ListRoundsRequest { SessionId = s }), read),
            Admin("GetPrivacyLedger", Gen.Select(Text(sessions), s => (IMessage)new GetPrivacyLedgerRequest { SessionId = s }), read),
        ];
    }

    public static Gen<IMessage> Advertise(string[] sessions, params long[] rounds) =>
        from round in RoundRefs(sessions, rounds)
        from cipher in ByteStrings(32)
        from mask in ByteStrings(32)
        from signature in ByteStrings(64)
        select (IMessage)new AdvertiseKeysRequest { Round = round, CipherPublicKey = cipher, MaskPublicKey = mask, Signature = signature };

    public static Gen<IMessage> Shares(string[] sessions, params long[] rounds) =>
        from round in RoundRefs(sessions, rounds)
        from shares in ArrayOf(
            from sender in UInt32()
            from recipient in UInt32()
            from ciphertext in ByteStrings(172)
            select new EncryptedShareMessage { Sender = sender, Recipient = recipient, Ciphertext = ciphertext })
        select Build(new ShareKeysRequest { Round = round }, r => r.Shares.Add(shares));

    public static Gen<IMessage> Masked(string[] sessions, int modelLength, int vectorBytes, params long[] rounds) =>
        from round in RoundRefs(sessions, rounds)
        from length in UInt32((uint)modelLength, (uint)modelLength - 1, (uint)modelLength + 1)
        from vector in ByteStrings(vectorBytes, vectorBytes - 4, vectorBytes + 4)
        select (IMessage)new MaskedInputRequest { Round = round, VectorLength = length, MaskedVector = vector };

    public static Gen<IMessage> Signature(string[] sessions, params long[] rounds) =>
        from round in RoundRefs(sessions, rounds)
        from signature in ByteStrings(64)
        select (IMessage)new ConsistencySignatureRequest { Round = round, Signature = signature };

    public static Gen<IMessage> Unmask(string[] sessions, params long[] rounds) =>
        from round in RoundRefs(sessions, rounds)
        from shares in ArrayOf(
            from owner in UInt32()
            from kind in Enum<SecretKind>()
            from share in ByteStrings(68)
            select new RevealedShareMessage { Owner = owner, Kind = kind, Share = share })
        select Build(new UnmaskRequest { Round = round }, r => r.Shares.Add(shares));

    public static Gen<IMessage> Expel(string[] sessions, params long[] rounds) =>
        from round in RoundRefs(sessions, rounds)
        from points in ArrayOf(
            from peer in UInt32()
            from point in ByteStrings(33)
            from proof in Filled(64)
            select new RevealedPairPointMessage { Peer = peer, SharedPoint = point, Proof = ByteString.CopyFrom(proof) })
        select Build(new ExpelRequest { Round = round }, r => r.PairPoints.Add(points));

    private static Gen<IMessage> CreateSession(string[] sessions, string[] schemaHashes, int modelLength) =>
        from id in CreatableId(sessions)
        from name in Text("credit", "x")
        from hash in Text(schemaHashes)
        from length in UInt32((uint)modelLength, 1_000_000_000)
        from rounds in UInt32(10, 1_000_000)
        from minimum in UInt32(3)
        from maximum in UInt32(3, 10, 100_000)
        from secAgg in Gen.OrNull(
            from mode in Enum<SecAggMode>()
            from graph in Enum<NeighbourGraphKind>()
            from dropout in Double()
            from corrupted in Double()
            from security in UInt32(40, 128)
            from correctness in UInt32(20, 40)
            select new SecAggSettings { Mode = mode, Graph = graph, DropoutRate = dropout, CorruptedFraction = corrupted, SecurityBits = security, CorrectnessBits = correctness })
        from training in Gen.OrNull(
            from rule in Enum<AggregationRule>()
            from epochs in UInt32(1, 1000, 1001)
            from rates in Gen.ArrayOf(Double(), 6)
            from batch in UInt32(100, 10_000_000, 10_000_001)
            select new TrainingPlan { Rule = rule, LocalEpochs = epochs, LearningRate = rates[0], L2Regularisation = rates[1], BatchSize = batch, ClipNorm = rates[2], QuantizationScale = rates[3] * 65536, ServerLearningRate = rates[4], SamplingRate = rates[5] })
        from privacy in Gen.OrNull(
            from mode in Enum<DpMode>()
            from values in Gen.ArrayOf(Double(), 3)
            select new PrivacySettings { Mode = mode, EpsilonBudget = values[0] * 10, Delta = values[1] * 1e-4, NoiseMultiplier = values[2] })
        from weights in Gen.Frequency(
            (4, Gen.Constant(Array.Empty<double>())),
            (1, Gen.ArrayOf(Double(), modelLength)),
            (1, ArrayOf(Double(), modelLength + 1)))
        select Build(
            new CreateSessionRequest { SessionId = id, SchemaName = name, SchemaHash = hash, ModelLength = length, TotalRounds = rounds, MinimumClients = minimum, MaximumClients = maximum, SecAgg = secAgg, Training = training, Privacy = privacy },
            r => r.InitialWeights.Add(weights));

    private static FuzzTarget Federation(string method, Gen<IMessage> requests, StatusCode[] allowed) =>
        new(FuzzTarget.FederationService, method, requests, allowed, CallTimeout);

    private static FuzzTarget Admin(string method, Gen<IMessage> requests, StatusCode[] allowed) =>
        new(FuzzTarget.AdminService, method, requests, allowed, CallTimeout);

    private static IMessage Build<T>(T message, Action<T> fill)
        where T : IMessage
    {
        fill(message);
        return message;
    }
}
