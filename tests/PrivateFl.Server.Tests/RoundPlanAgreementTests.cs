extern alias sdk;

using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Grpc.Core;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;
using PrivateFl.Server.Storage;
using SdkAnnouncement = sdk::PrivateFl.Protocol.V1.RoundAnnouncement;
using SdkFederationException = sdk::PrivateFl.ClientSdk.FederationException;
using SdkValidator = sdk::PrivateFl.ClientSdk.Transport.AnnouncementValidator;

namespace PrivateFl.Server.Tests;

/// <summary>
/// The round plan is one definition (<see cref="RoundPlan"/>): for random valid sessions and round sizes, the
/// announcement the server's code builds equals, field by field, the plan each bank re-derives from it, and a bank
/// refuses an announcement in which any derived value differs from its own.
/// </summary>
public sealed class RoundPlanAgreementTests
{
    private const string SessionId = "plan";

    [Property(MaxTest = 200)]
    public Property ServerAnnouncement_RandomValidSessionAndRoundSize_EqualsTheBanksReDerivationFieldByField() =>
        Prop.ForAll(Arb.From(Scenarios()), s =>
        {
            Round? round = Open(s);
            if (round is null)
            {
                return true.Classify(true, "session or round refused by the server");
            }

            (RoundPlan bank, _) = SdkValidator.ValidatePlan(round.Wire, SessionId, "bank-001", round.Key.PublicKey, round.Definition.ModelLength);
            RoundPlan server = round.Plan;
            var mismatches = new List<string>();
            void Same<T>(string field, T announced, T derived)
            {
                if (!EqualityComparer<T>.Default.Equals(announced, derived))
                {
                    mismatches.Add($"{field}: server {announced}, bank {derived}");
                }
            }

            Same("settings", server.Settings, bank.Settings);
            Same("threshold", round.Wire.Threshold, (uint)bank.Parameters.Threshold);
            Same("degree", round.Wire.Degree, (uint)bank.Parameters.Degree);
            Same("vector_length", round.Wire.VectorLength, (uint)bank.Settings.ModelLength);
            Same("client_noise_sigma", round.Wire.ClientNoiseSigma, bank.ClientSigma);
            Same("graph", server.Parameters.GraphKind, bank.Parameters.GraphKind);
            Same("mode", server.Parameters.Mode, bank.Parameters.Mode);
            Same("minimum survivors", server.MinimumSurvivors, bank.MinimumSurvivors);
            Same("required survivors", server.RequiredSurvivors, bank.RequiredSurvivors);
            Same("noise bound", server.NoiseBound, bank.NoiseBound);
            Same("update norm", UpdateEncoding.UpdateNorm(round.Definition.Training), bank.Settings.UpdateNorm);
            Same("sampling rate", PrivacyPlan.SamplingRate(round.Definition), bank.Settings.EffectiveSamplingRate);
            Same("sensitivity", PrivacyPlan.Sensitivity(round.Definition), bank.Settings.Sensitivity);
            Same("quantizer bound", server.CreateQuantizer().CoordinateBound, bank.CreateQuantizer().CoordinateBound);
            Same("decoding scale", UpdateEncoding.Quantizer(round.Definition.Training, s.Participants).Scale, bank.CreateQuantizer().Scale);
            return (mismatches.Count == 0)
                .Label($"{s}: {string.Join("; ", mismatches)}")
                .Classify(round.Definition.Privacy.Mode != DpModeKind.None, "differentially private")
                .Classify(server.Parameters.GraphKind == Crypto.SecAgg.NeighbourGraphKind.Harary, "sparse graph");
        });

    [Property(MaxTest = 200)]
    public Property ServerAnnouncement_OneDerivedFieldChanged_BankRefuses() =>
        Prop.ForAll(Arb.From(from s in Scenarios() from field in Gen.Choose(0, 3) from up in Gen.Elements(false, true) select (s, field, up)), c =>
        {
            Round? round = Open(c.s);
            if (round is null)
            {
                return true.Classify(true, "session or round refused by the server");
            }

            SdkAnnouncement wire = round.Wire;
            string field;
            switch (c.field)
            {
                case 0:
                    field = "client_noise_sigma";
                    double sigma = wire.ClientNoiseSigma;
                    wire.ClientNoiseSigma = c.up ? (sigma * (1 + 1e-6)) + 1e-6 : Math.Max(0, sigma * (1 - 1e-6)) - (sigma == 0 ? -1e-6 : 1e-6);
                    break;
                case 1:
                    field = "threshold";
                    wire.Threshold = c.up || wire.Threshold == 0 ? wire.Threshold + 1 : wire.Threshold - 1;
                    break;
                case 2:
                    field = "degree";
                    wire.Degree = c.up || wire.Degree == 0 ? wire.Degree + 1 : wire.Degree - 1;
                    break;
                default:
                    field = "vector_length";
                    wire.VectorLength = c.up ? wire.VectorLength + 1 : wire.VectorLength - 1;
                    break;
            }

            bool refused;
            try
            {
                SdkValidator.ValidatePlan(wire, SessionId, "bank-001", round.Key.PublicKey, round.Definition.ModelLength);
                refused = false;
            }
            catch (SdkFederationException)
            {
                refused = true;
            }

            return refused.Label($"{c.s}: {field} changed to threshold {wire.Threshold}, degree {wire.Degree}, d {wire.VectorLength}, σ_client {wire.ClientNoiseSigma:R}; accepted").Classify(true, field);
        });

    /// <summary>The server's own path: validate the session request, form the round with the opener's code, map the ticket to the wire.</summary>
    private static Round? Open(Scenario s)
    {
        SessionDefinition definition;
        try
        {
            definition = SessionRequestValidator.Validate(s.Request(), 0);
        }
        catch (RpcException)
        {
            return null;
        }

        byte[] seed = RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize);
        var key = SigningKey.Generate();
        var participants = Enumerable.Range(1, s.Participants).Select(i => ($"bank-{i:D3}", (ReadOnlyMemory<byte>?)(i == 1 ? key.PublicKey.ToArray() : RandomNumberGenerator.GetBytes(32)))).ToList();
        var model = new ModelVersionRecord(SessionId, 0, 0, [.. new double[definition.ModelLength]], 0, 0, 0, "{}", 0);
        RoundPlan plan;
        RoundTicket ticket;
        try
        {
            // The opener's own formation of round 1 (parameters, σ_client check, tickets), then the plan it announces.
            ticket = RoundOpener.Form(definition, model, 0, 1, seed, participants, TimeSpan.FromSeconds(10)).Tickets[1];
            plan = PrivacyPlan.ForRound(definition, s.Participants, new RoundIdentity(SessionId, 1, seed));
        }
        catch (ArgumentException)
        {
            return null;
        }

        SdkAnnouncement wire = SdkAnnouncement.Parser.ParseFrom(ProtoMapper.ToProto(ticket).ToByteArray());
        return new Round(definition, plan, wire, key);
    }

    private static Gen<Scenario> Scenarios() =>
        from n in Gen.Choose(3, 250)
        from extraClients in Gen.Choose(0, 200)
        from active in Gen.Elements(false, true)
        from harary in Gen.Elements(false, true)
        from dropout in Gen.Choose(0, 30)
        from corrupted in Gen.Choose(0, 30)
        from bits in Gen.Elements(0, 20, 30, 40, 50)
        from correctness in Gen.Elements(0, 10, 20, 30)
        from dp in Gen.Choose(0, 2)
        from gradientSum in Gen.Elements(false, true)
        from clip in Gen.Elements(0.1, 0.5, 1.0, 2.0, 5.0)
        from batch in Gen.Choose(1, 256)
        from scaleLog in Gen.Choose(4, 16)
        from sampling in Gen.Choose(1, 100)
        from noise in Gen.Choose(0, 400)
        from budget in Gen.Choose(5, 100)
        from rounds in Gen.Choose(1, 40)
        from length in Gen.Choose(2, 64)
        select new Scenario(n, n + extraClients, active, harary && !active, dropout / 100.0, corrupted / 100.0, bits, correctness, dp, gradientSum, clip, batch, 1 << scaleLog, sampling / 100.0, noise / 100.0, budget / 10.0, rounds, length);

    private sealed record Round(SessionDefinition Definition, RoundPlan Plan, SdkAnnouncement Wire, SigningKey Key);

    private sealed record Scenario(int Participants, int MaximumClients, bool Active, bool Harary, double Dropout, double Corrupted, int SecurityBits, int CorrectnessBits, int Dp, bool GradientSum, double ClipNorm, int BatchSize, double Scale, double SamplingRate, double NoiseMultiplier, double EpsilonBudget, int TotalRounds, int ModelLength)
    {
        public CreateSessionRequest Request()
        {
            DpMode mode = Dp switch { 0 => DpMode.None, 1 => DpMode.RecordLevel, _ => DpMode.ClientLevel };

            // Record-level DP needs GRADIENT_SUM and client-level FEDERATED_AVERAGING; without DP either rule.
            bool gradientSum = mode switch { DpMode.RecordLevel => true, DpMode.ClientLevel => false, _ => GradientSum };
            return new CreateSessionRequest
            {
                SessionId = SessionId,
                SchemaName = "schema",
                SchemaHash = new string('a', 64),
                ModelLength = (uint)ModelLength,
                TotalRounds = (uint)TotalRounds,
                MinimumClients = 3,
                MaximumClients = (uint)MaximumClients,
                SecAgg = new SecAggSettings
                {
                    Mode = Active ? Protocol.V1.SecAggMode.Active : Protocol.V1.SecAggMode.SemiHonest,
                    Graph = Harary ? Protocol.V1.NeighbourGraphKind.Harary : Protocol.V1.NeighbourGraphKind.Complete,
                    DropoutRate = Dropout,
                    CorruptedFraction = Corrupted,
                    SecurityBits = (uint)SecurityBits,
                    CorrectnessBits = (uint)CorrectnessBits,
                },
                Training = new TrainingPlan
                {
                    Rule = gradientSum ? AggregationRule.GradientSum : AggregationRule.FederatedAveraging,
                    LocalEpochs = 1,
                    LearningRate = 0.1,
                    BatchSize = (uint)BatchSize,
                    ClipNorm = ClipNorm,
                    QuantizationScale = Scale,
                    ServerLearningRate = 1,
                    SamplingRate = SamplingRate,
                },
                Privacy = mode == DpMode.None
                    ? new PrivacySettings { Mode = DpMode.None }
                    : new PrivacySettings { Mode = mode, EpsilonBudget = EpsilonBudget, Delta = 1e-9, NoiseMultiplier = NoiseMultiplier },
            };
        }
    }
}
