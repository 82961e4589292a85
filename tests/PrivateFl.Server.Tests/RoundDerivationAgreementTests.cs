extern alias sdk;

using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Grpc.Core;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;
using PrivateFl.Server.Storage;
using CryptoGraph = PrivateFl.Crypto.SecAgg.NeighbourGraphKind;
using CryptoMode = PrivateFl.Crypto.SecAgg.SecAggMode;
using SdkAnnouncement = sdk::PrivateFl.Protocol.V1.RoundAnnouncement;
using SdkFederationException = sdk::PrivateFl.ClientSdk.FederationException;
using SdkValidator = sdk::PrivateFl.ClientSdk.Transport.AnnouncementValidator;

namespace PrivateFl.Server.Tests;

/// <summary>
/// The server's round parameters and the SDK's re-derivation from the announcement on the wire are one definition
/// (specs/protocol.md §2.3): for random settings they agree on (graph, k, t), and on refusing.
/// </summary>
public sealed class RoundDerivationAgreementTests
{
    private const string SessionId = "agreement";
    private const int ModelLength = 12;

    [Property(MaxTest = 150)]
    public Property ServerAnnouncement_RandomSettings_SdkReDerivesTheSameParametersOrBothRefuse() =>
        Prop.ForAll(
            Arb.From(
                from n in Gen.Choose(3, 400)
                from g in Gen.Choose(0, 49)
                from d in Gen.Choose(0, 49)
                from active in Gen.Elements(false, true)
                from harary in Gen.Elements(false, true)
                from bits in Gen.Choose(0, 255)
                from dp in Gen.Choose(0, 2)
                select (n, g, d, active, harary, bits, dp)),
            c => Agree(c.n, c.g / 100.0, c.d / 100.0, c.active, c.harary, (byte)c.bits, (byte)c.dp));

    private static Property Agree(int n, double gamma, double delta, bool active, bool harary, byte bitsChoice, byte dpChoice)
    {
        CryptoMode mode = active ? CryptoMode.Active : CryptoMode.SemiHonest;

        // The server refuses to create ACTIVE + HARARY sessions (tested below); one stored before that rule still runs.
        CryptoGraph graph = harary ? CryptoGraph.Harary : CryptoGraph.Complete;
        DpModeKind dp = (dpChoice % 3) switch { 0 => DpModeKind.None, 1 => DpModeKind.ClientLevel, _ => DpModeKind.RecordLevel };
        SessionDefinition definition = Definition(mode, graph, gamma, delta, 20 + (bitsChoice % 40), 5 + (bitsChoice % 25), dp);
        byte[] seed = RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize);
        var identity = new RoundIdentity(SessionId, 1, seed);
        SecAggParameters? server = null;
        try
        {
            server = TrainingCoordinator.CreateParameters(definition, n, identity);
        }
        catch (ArgumentException)
        {
        }

        using var key = SigningKey.Generate();
        var participants = Enumerable.Range(1, n).Select(i => (i, $"bank-{i:D3}", i == 1 ? key.PublicKey.ToArray() : RandomNumberGenerator.GetBytes(32))).ToList();
        SecAggParameters announced = server ?? SecAggParameters.Complete(n, ModelLength, identity);
        var ticket = new RoundTicket(definition, 1, seed, 1, participants, announced, new ModelVersionRecord(SessionId, 0, 0, [.. new double[ModelLength]], 0, 0, 0, "{}", 0), TimeSpan.FromSeconds(10), 0, PrivacyPlan.ClientSigma(definition, n, announced.Threshold));
        SdkAnnouncement wire = SdkAnnouncement.Parser.ParseFrom(ProtoMapper.ToProto(ticket).ToByteArray());

        SecAggParameters? client = null;
        string refusal = "";
        try
        {
            client = SdkValidator.Validate(wire, SessionId, "bank-001", key.PublicKey, ModelLength).Parameters;
        }
        catch (SdkFederationException ex)
        {
            refusal = ex.Message;
        }

        bool agree = server is null
            ? client is null
            : client is not null && (client.GraphKind, client.Degree, client.Threshold, client.Mode) == (server.GraphKind, server.Degree, server.Threshold, server.Mode);
        return agree
            .Label($"n = {n}, γ = {gamma}, δ = {delta}, {mode}, {graph}, {dp}: server {server?.ToString() ?? "refused"}, SDK {client?.ToString() ?? refusal}")
            .Classify(server is null, "refused by both")
            .Classify(server?.GraphKind == CryptoGraph.Harary, "sparse");
    }

    [Property(MaxTest = 150)]
    public Property RoundOpening_RandomNoiseSettings_ServerRefusesExactlyTheRoundsTheBankRefusesForItsNoise() =>
        Prop.ForAll(
            Arb.From(
                from n in Gen.Choose(3, 300)
                from scaleLog in Gen.Choose(0, 16)
                from sigmaHundredths in Gen.Choose(1, 400)
                from recordLevel in Gen.Elements(false, true)
                select (n, scaleLog, sigmaHundredths, recordLevel)),
            c =>
            {
                // The server checks σ_client again when each round opens (PrivacyPlan.RequireAccountableClientSigma), the
                // bank when it reads the announcement: one rule, so they refuse the same rounds, and agree on σ_client.
                DpModeKind dp = c.recordLevel ? DpModeKind.RecordLevel : DpModeKind.ClientLevel;
                SessionDefinition definition = Definition(CryptoMode.SemiHonest, CryptoGraph.Complete, 0.1, 0.1, 40, 20, dp) with
                {
                    Training = new TrainingPlanData(c.recordLevel ? AggregationRuleKind.GradientSum : AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, 1 << c.scaleLog, 1.0, 1.0),
                    Privacy = new PrivacySettingsData(dp, 1.0, 1e-6, c.sigmaHundredths / 100.0),
                };
                byte[] seed = RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize);
                SecAggParameters parameters = TrainingCoordinator.CreateParameters(definition, c.n, new RoundIdentity(SessionId, 1, seed));
                bool serverRefuses = false;
                try
                {
                    PrivacyPlan.RequireAccountableClientSigma(definition, c.n, parameters.Threshold);
                }
                catch (ArgumentException)
                {
                    serverRefuses = true;
                }

                using var key = SigningKey.Generate();
                var participants = Enumerable.Range(1, c.n).Select(i => (i, $"bank-{i:D3}", i == 1 ? key.PublicKey.ToArray() : RandomNumberGenerator.GetBytes(32))).ToList();
                var ticket = new RoundTicket(definition, 1, seed, 1, participants, parameters, new ModelVersionRecord(SessionId, 0, 0, [.. new double[ModelLength]], 0, 0, 0, "{}", 0), TimeSpan.FromSeconds(10), 0, PrivacyPlan.ClientSigma(definition, c.n, parameters.Threshold));
                SdkAnnouncement wire = SdkAnnouncement.Parser.ParseFrom(ProtoMapper.ToProto(ticket).ToByteArray());
                string refusal = "";
                try
                {
                    _ = SdkValidator.Validate(wire, SessionId, "bank-001", key.PublicKey, ModelLength);
                }
                catch (SdkFederationException ex)
                {
                    refusal = ex.Message;
                }

                bool bankRefusesNoise = refusal.Contains("σ_client", StringComparison.Ordinal);
                return (serverRefuses == bankRefusesNoise && !refusal.Contains("client_noise_sigma", StringComparison.Ordinal))
                    .Label($"n = {c.n}, scale 2^{c.scaleLog}, z = {c.sigmaHundredths / 100.0}, {dp}: server {(serverRefuses ? "refuses" : "opens")}, bank: {(refusal.Length == 0 ? "accepts" : refusal)}")
                    .Classify(serverRefuses, "refused");
            });

    [Fact]
    public void Validate_ActiveSessionWithHararyGraph_InvalidArgumentNamingTheGraph()
    {
        CreateSessionRequest request = ValidRequest();
        request.SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.Active, Graph = Protocol.V1.NeighbourGraphKind.Harary, DropoutRate = 0.05, CorruptedFraction = 0.05 };

        var ex = Assert.Throws<RpcException>(() => SessionRequestValidator.Validate(request, 0));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Google.Rpc.BadRequest? details = ex.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>();
        Assert.NotNull(details);
        Assert.Contains(details.FieldViolations, v => v.Field == "sec_agg.graph" && v.Description.Contains("COMPLETE in ACTIVE mode", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData((int)Protocol.V1.SecAggMode.Active, (int)Protocol.V1.NeighbourGraphKind.Complete)]
    [InlineData((int)Protocol.V1.SecAggMode.SemiHonest, (int)Protocol.V1.NeighbourGraphKind.Harary)]
    public void Validate_AllowedModeAndGraph_Accepted(int mode, int graph)
    {
        CreateSessionRequest request = ValidRequest();
        request.SecAgg = new SecAggSettings { Mode = (Protocol.V1.SecAggMode)mode, Graph = (Protocol.V1.NeighbourGraphKind)graph, DropoutRate = 0.05, CorruptedFraction = 0.05 };

        SessionDefinition definition = SessionRequestValidator.Validate(request, 0);

        Assert.Equal(SecAggParameters.DefaultSecurityBits, definition.SecAgg.SecurityBits);
        Assert.Equal(SecAggParameters.DefaultCorrectnessBits, definition.SecAgg.CorrectnessBits);
    }

    private static CreateSessionRequest ValidRequest() => new()
    {
        SessionId = SessionId,
        SchemaName = "schema",
        SchemaHash = new string('a', 64),
        ModelLength = ModelLength,
        TotalRounds = 1,
        MinimumClients = 10,
        MaximumClients = 200,
        Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 32, ClipNorm = 1, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
        Privacy = new PrivacySettings { Mode = DpMode.None },
    };

    private static SessionDefinition Definition(CryptoMode mode, CryptoGraph graph, double gamma, double delta, int securityBits, int correctnessBits, DpModeKind dp) => new(
        SessionId,
        "schema",
        new string('a', 64),
        "logistic-regression",
        ModelLength,
        10,
        3,
        1000,
        new SecAggSettingsData(mode, graph, delta, gamma, securityBits, correctnessBits),
        new TrainingPlanData(dp == DpModeKind.RecordLevel ? AggregationRuleKind.GradientSum : AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, 1 << 16, 1.0, 1.0),
        new PrivacySettingsData(dp, 1.0, 1e-6, dp == DpModeKind.None ? 0 : 1.0),
        0);
}
