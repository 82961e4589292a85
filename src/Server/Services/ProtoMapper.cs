using System.Runtime.CompilerServices;
using Google.Protobuf;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;
using CryptoGraph = PrivateFl.Crypto.SecAgg.NeighbourGraphKind;
using CryptoMode = PrivateFl.Crypto.SecAgg.SecAggMode;
using CryptoSecretKind = PrivateFl.Crypto.SecAgg.Messages.SecretKind;
using ProtoRoundOutcome = PrivateFl.Protocol.V1.RoundOutcome;
using ProtoSecretKind = PrivateFl.Protocol.V1.SecretKind;
using ProtoSessionState = PrivateFl.Protocol.V1.SessionState;

namespace PrivateFl.Server.Services;

/// <summary>Translates between the gRPC contract and the coordinator's records; no logic beyond that.</summary>
internal static class ProtoMapper
{
    // Keyed by the one participant list all tickets of a round share; the entry goes when the round's tickets do.
    private static readonly ConditionalWeakTable<IReadOnlyList<(int Index, string ClientId, byte[] IdentityPublicKey)>, Participant[]> RoundParticipants = new();

    public static SessionInfo ToProto(SessionRuntime session)
    {
        SessionDefinition d = session.Definition;
        return new SessionInfo
        {
            SessionId = d.SessionId,
            SchemaName = d.SchemaName,
            SchemaHash = d.SchemaHash,
            SchemaJson = d.SchemaJson ?? string.Empty,
            ModelKind = d.ModelKind,
            ModelLength = (uint)d.ModelLength,
            TotalRounds = (uint)d.TotalRounds,
            CompletedRounds = (uint)session.CompletedRounds,
            CurrentModelVersion = session.Model.Version,
            SessionState = (ProtoSessionState)(int)session.State,
            SecAgg = ToProto(d.SecAgg),
            Training = ToProto(d.Training),
            Privacy = ToProto(d.Privacy),
            MinimumClients = (uint)d.MinimumClients,
            MaximumClients = (uint)d.MaximumClients,
            EpsilonSpent = session.EpsilonSpent,
            CreatedUnixMs = d.CreatedUnixMs,
            ProtocolVersion = ProtocolVersion._1,
            Model = ToProto(d.Model ?? ModelSpecData.LogisticRegression),
            Cohorts = CohortsOf(d),
        };
    }

    /// <summary>The session's cohort settings with every default filled in: what banks check each announced cohort against.</summary>
    public static CohortSettings CohortsOf(SessionDefinition d) => new()
    {
        CohortSize = (uint)d.CohortSize,
        MinimumCohortSize = (uint)d.MinimumCohortSize,
        MinimumCohorts = (uint)d.MinimumCohorts,
    };

    public static ModelSpec ToProto(ModelSpecData m)
    {
        var spec = new ModelSpec
        {
            Kind = m.Kind == ModelKindData.MultilayerPerceptron ? ModelKind.MultilayerPerceptron : ModelKind.LogisticRegression,
            Activation = m.Kind == ModelKindData.MultilayerPerceptron ? (m.Activation == ActivationKindData.Relu ? ActivationKind.Relu : ActivationKind.Tanh) : ActivationKind.Unspecified,
            InitSeed = m.InitSeed,
            LinearSkip = m.LinearSkip,
        };
        spec.HiddenUnits.Add(m.HiddenUnits.Select(u => (uint)u));
        return spec;
    }

    public static SecAggSettings ToProto(SecAggSettingsData s) => new()
    {
        Mode = s.Mode == CryptoMode.Active ? Protocol.V1.SecAggMode.Active : Protocol.V1.SecAggMode.SemiHonest,
        Graph = s.Graph == CryptoGraph.Harary ? Protocol.V1.NeighbourGraphKind.Harary : Protocol.V1.NeighbourGraphKind.Complete,
        DropoutRate = s.DropoutRate,
        CorruptedFraction = s.CorruptedFraction,
        SecurityBits = (uint)s.SecurityBits,
        CorrectnessBits = (uint)s.CorrectnessBits,
    };

    public static TrainingPlan ToProto(TrainingPlanData t) => new()
    {
        Rule = t.Rule == AggregationRuleKind.GradientSum ? AggregationRule.GradientSum : AggregationRule.FederatedAveraging,
        LocalEpochs = (uint)t.LocalEpochs,
        LearningRate = t.LearningRate,
        L2Regularisation = t.L2Regularisation,
        BatchSize = (uint)t.BatchSize,
        ClipNorm = t.ClipNorm,
        QuantizationScale = t.QuantizationScale,
        ServerLearningRate = t.ServerLearningRate,
        SamplingRate = t.SamplingRate,
    };

    public static PrivacySettings ToProto(PrivacySettingsData p) => new()
    {
        Mode = p.Mode switch
        {
            DpModeKind.RecordLevel => DpMode.RecordLevel,
            DpModeKind.ClientLevel => DpMode.ClientLevel,
            _ => DpMode.None,
        },
        EpsilonBudget = p.EpsilonBudget,
        Delta = p.Delta,
        NoiseMultiplier = p.NoiseMultiplier,
    };

    public static ModelVersion ToProto(ModelVersionRecord model, string schemaHash)
    {
        var reply = new ModelVersion
        {
            SessionId = model.SessionId,
            Version = model.Version,
            SchemaHash = schemaHash,
            RoundNumber = model.RoundNumber,
            CreatedUnixMs = model.CreatedUnixMs,
            EpsilonSpent = model.EpsilonSpent,
            Delta = model.Delta,
            PrivacyParametersJson = model.PrivacyJson,
            Contributors = (uint)model.Contributors,
        };
        reply.Weights.Add(model.Weights);
        return reply;
    }

    public static RoundAnnouncement ToProto(RoundTicket ticket)
    {
        var announcement = new RoundAnnouncement
        {
            ProtocolVersion = ProtocolVersion._1,
            SessionId = ticket.Session.SessionId,
            RoundNumber = ticket.RoundNumber,
            GraphSeed = ByteString.CopyFrom(ticket.GraphSeed),
            YourIndex = (uint)ticket.Index,
            SecAgg = ToProto(ticket.Session.SecAgg),
            Threshold = (uint)ticket.Parameters.Threshold,
            Degree = (uint)ticket.Parameters.Degree,
            VectorLength = (uint)ticket.Parameters.VectorLength,
            Training = ToProto(ticket.Session.Training),
            Privacy = ToProto(ticket.Session.Privacy),
            Model = ToProto(ticket.Model, ticket.Session.SchemaHash),
            StageDeadlineMs = (uint)ticket.StageDeadline.TotalMilliseconds,
            TotalRounds = (uint)ticket.Session.TotalRounds,
            EpsilonAfterRound = ticket.EpsilonAfterRound,
            ClientNoiseSigma = ticket.ClientNoiseSigma,
            ModelSpec = ToProto(ticket.Session.Model ?? ModelSpecData.LogisticRegression),
            Cohorts = CohortsOf(ticket.Session),
            Cohort = (uint)ticket.Cohort,
        };
        announcement.Participants.Add(ParticipantsOf(ticket));

        return announcement;
    }

    /// <summary>
    /// The round's participant list as messages, built once per round and shared by every client's announcement: built per
    /// announcement it was n² messages and key copies (16 million at 4,000 clients), the server's largest cost at that scale.
    /// </summary>
    /// <remarks>The shared messages are only ever serialized, never changed.</remarks>
    private static Participant[] ParticipantsOf(RoundTicket ticket) =>
        RoundParticipants.GetValue(ticket.Participants, list => [.. list.Select(p => new Participant { Index = (uint)p.Index, ClientId = p.ClientId, IdentityPublicKey = ByteString.CopyFrom(p.IdentityPublicKey) })]);

    public static AdvertisedKeys FromProto(AdvertiseKeysRequest request) =>
        new(0, request.CipherPublicKey.Memory, request.MaskPublicKey.Memory, request.Signature.Memory, request.SelfMaskCommitment.Memory);

    public static KeyDirectoryReply ToProto(KeyDirectory directory)
    {
        var reply = new KeyDirectoryReply();
        foreach (AdvertisedKeys entry in directory.Entries)
        {
            reply.Entries.Add(new AdvertisedKeysEntry
            {
                Index = (uint)entry.Sender,
                CipherPublicKey = ByteString.CopyFrom(entry.CipherPublicKey.Span),
                MaskPublicKey = ByteString.CopyFrom(entry.MaskPublicKey.Span),
                Signature = ByteString.CopyFrom(entry.Signature.Span),
                SelfMaskCommitment = ByteString.CopyFrom(entry.SelfMaskCommitment.Span),
            });
        }

        return reply;
    }

    public static List<EncryptedShare> FromProto(IEnumerable<EncryptedShareMessage> shares) =>
        [.. shares.Select(s => new EncryptedShare(Index(s.Sender, "shares.sender"), Index(s.Recipient, "shares.recipient"), s.Ciphertext.Memory, s.Commitments.Memory, s.Signature.Memory))];

    public static ShareDeliveryReply ToProto(ShareDelivery delivery)
    {
        var reply = new ShareDeliveryReply();
        foreach (EncryptedShare share in delivery.Shares)
        {
            reply.Shares.Add(new EncryptedShareMessage
            {
                Sender = (uint)share.Sender,
                Recipient = (uint)share.Recipient,
                Ciphertext = ByteString.CopyFrom(share.Ciphertext.Span),
                Commitments = ByteString.CopyFrom(share.Commitments.Span),
                Signature = ByteString.CopyFrom(share.Signature.Span),
            });
        }

        return reply;
    }

    public static SurvivorListReply ToProto(SurvivorList survivors)
    {
        var reply = new SurvivorListReply();
        reply.Survivors.Add(survivors.Survivors.Select(s => (uint)s));
        return reply;
    }

    public static ConsistencyProofReply ToProto(ConsistencyProof proof)
    {
        var reply = new ConsistencyProofReply();
        reply.Survivors.Add(proof.Survivors.Select(s => (uint)s));
        foreach (ConsistencySignature signature in proof.Signatures)
        {
            reply.Signatures.Add(new SignatureEntry { Index = (uint)signature.Sender, Signature = ByteString.CopyFrom(signature.Signature.Span) });
        }

        return reply;
    }

    public static List<RevealedShare> FromProto(IEnumerable<RevealedShareMessage> shares) =>
        [.. shares.Select(s => new RevealedShare(
            Index(s.Owner, "shares.owner"),
            s.Kind switch
            {
                ProtoSecretKind.SelfMaskSeed => CryptoSecretKind.SelfMaskSeed,
                ProtoSecretKind.MaskKey => CryptoSecretKind.MaskKey,
                _ => throw new ArgumentException($"Revealed share of client {s.Owner} has no kind.", nameof(shares)),
            },
            s.Share.Memory,
            s.Salt.Memory))];

    public static List<ShareComplaint> FromProto(IEnumerable<ShareComplaintMessage> complaints) =>
        [.. complaints.Select(c => new ShareComplaint(Index(c.Dealer, "complaints.dealer"), c.SharedPoint.Memory, c.Proof.Memory))];

    public static List<RevealedPairPoint> FromProto(IEnumerable<RevealedPairPointMessage> points) =>
        [.. points.Select(p => new RevealedPairPoint(Index(p.Peer, "pair_points.peer"), p.SharedPoint.Memory, p.Proof.Memory))];

    // A participant index is 1 … n; one that does not fit an int is malformed (INVALID_ARGUMENT), not an overflow (UNKNOWN).
    private static int Index(uint value, string field) =>
        value <= int.MaxValue ? (int)value : throw new ArgumentException($"{field} {value} is not a participant index.", field);

    public static RoundResultReply ToProto(Coordination.RoundOutcome outcome)
    {
        var reply = new RoundResultReply { RoundNumber = outcome.RoundNumber, ModelVersion = outcome.ModelVersion, EpsilonSpent = outcome.EpsilonSpent };
        reply.Included.Add(outcome.Included.Select(i => (uint)i));
        return reply;
    }

    public static RoundResultReply ToProto(UnmaskReply reply)
    {
        if (reply.Outcome is { } outcome)
        {
            return ToProto(outcome);
        }

        var expulsion = new ExpulsionRequestMessage();
        foreach (CulpritEvidence culprit in reply.Expulsion!.Culprits)
        {
            var evidence = new CulpritEvidenceMessage { Culprit = (uint)culprit.Culprit };
            evidence.Shares.Add(culprit.Shares.Select(s => new DealtShareEvidenceMessage
            {
                Holder = (uint)s.Holder,
                Share = ByteString.CopyFrom(s.Share.Span),
                Salt = ByteString.CopyFrom(s.Salt.Span),
                Commitments = ByteString.CopyFrom(s.Commitments.Span),
                Ciphertext = ByteString.CopyFrom(s.Ciphertext.Span),
                Signature = ByteString.CopyFrom(s.Signature.Span),
            }));
            expulsion.Culprits.Add(evidence);
        }

        expulsion.Dropped.Add((reply.Expulsion.Dropped ?? []).Select(d => (uint)d));

        return new RoundResultReply { Expulsion = expulsion };
    }

    public static ClientInfo ToProto(EnrolledClient client) => new()
    {
        ClientId = client.ClientId,
        IdentityPublicKey = ByteString.CopyFrom(client.IdentityPublicKey.Span),
        Revoked = client.Revoked,
        EnrolledUnixMs = client.EnrolledUnixMs,
        Suspended = client.Suspended,
        MisbehaviourCount = (uint)client.MisbehaviourCount,
    };

    public static RoundRecord ToProto(RoundRecordData round)
    {
        var record = new RoundRecord
        {
            SessionId = round.SessionId,
            RoundNumber = round.RoundNumber,
            RoundOutcome = (ProtoRoundOutcome)(int)round.Outcome,
            AbortReason = round.AbortReason ?? string.Empty,
            ModelVersion = round.ModelVersion ?? 0,
            StartedUnixMs = round.StartedUnixMs,
            EndedUnixMs = round.EndedUnixMs,
            Threshold = (uint)round.Threshold,
            Degree = (uint)round.Degree,
        };
        record.Participants.Add(round.Participants);
        record.Included.Add(round.Included);
        record.Dropped.Add(round.Dropped);
        record.Stages.Add(round.Stages.Select(s => new StageTiming { Stage = s.Stage, Milliseconds = s.Milliseconds, AliveAfter = (uint)s.AliveAfter }));
        record.Culprits.Add((round.Culprits ?? []).Select(c => new PrivateFl.Protocol.V1.RoundCulprit { ClientId = c.ClientId, Misbehaviour = (PrivateFl.Protocol.V1.Misbehaviour)(int)c.Misbehaviour }));
        return record;
    }

}
