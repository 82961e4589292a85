using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;
using CryptoMode = PrivateFl.Crypto.SecAgg.SecAggMode;

namespace PrivateFl.ClientSdk.Tests.Claims;

/// <summary>
/// SECURITY.md "Trust assumptions": "A bank states the fraction of colluders it fears with
/// FederatedClientOptions:MinimumCorruptedFraction and refuses any round announced with less; the default, 0, accepts
/// any γ", and the documented defaults of the bank's other floors (privacy.md §4, SECURITY.md "Malicious server").
/// </summary>
public sealed class BankFloorClaimsTests
{
    [Fact]
    public void Options_Defaults_AreTheDocumentedFloors()
    {
        var options = new FederatedClientOptions();

        Assert.Equal((0.0, CryptoMode.SemiHonest, 4.0, 1e-5), (options.MinimumCorruptedFraction, options.MinimumSecAggMode, options.MaxEpsilon, options.MaxDelta));
    }

    [Property(MaxTest = 100)]
    public Property Validate_AnyAnnouncedGammaAndFloor_RefusedExactlyWhenGammaIsBelowTheFloor() =>
        Prop.ForAll(
            Arb.From(from gamma in Gen.Choose(0, 32)
                     from floor in Gen.Choose(0, 32)
                     from active in Gen.Elements(false, true)
                     from useDefault in Gen.Elements(false, true)
                     select (gamma: gamma / 100.0, floor: useDefault ? 0 : floor / 100.0, active, useDefault)),
            s =>
            {
                using var key = SigningKey.Generate();
                RoundAnnouncement announcement = Announcement(key, s.active ? SecAggMode.Active : SecAggMode.SemiHonest, s.gamma);
                var defaults = new FederatedClientOptions();
                bool refused;
                try
                {
                    _ = s.useDefault
                        ? AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36, defaults.MinimumSecAggMode, defaults.MinimumCorruptedFraction)
                        : AnnouncementValidator.Validate(announcement, "s", "bank-1", key.PublicKey, 36, CryptoMode.SemiHonest, s.floor);
                    refused = false;
                }
                catch (FederationException ex) when (ex.Message.Contains("MinimumCorruptedFraction", StringComparison.Ordinal))
                {
                    // Any other refusal propagates and fails the property: the announcement is otherwise valid.
                    refused = true;
                }

                return (refused == (s.gamma < s.floor)).Label($"γ = {s.gamma}, floor = {s.floor}, refused = {refused}");
            });

    private static RoundAnnouncement Announcement(SigningKey key, SecAggMode mode, double corruptedFraction)
    {
        var announcement = new RoundAnnouncement
        {
            ProtocolVersion = ProtocolVersion._1,
            SessionId = "s",
            RoundNumber = 1,
            GraphSeed = ByteString.CopyFrom(new byte[32]),
            YourIndex = 1,
            SecAgg = new SecAggSettings { Mode = mode, Graph = NeighbourGraphKind.Complete, DropoutRate = 0.3, CorruptedFraction = corruptedFraction },
            Threshold = 2,
            Degree = 2,
            VectorLength = 36,
            Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, SamplingRate = 1, ClipNorm = 1, QuantizationScale = 1024, BatchSize = 10, LocalEpochs = 1, LearningRate = 1, ServerLearningRate = 1 },
            Privacy = new PrivacySettings { Mode = DpMode.None },
        };
        announcement.Participants.Add(new Participant { Index = 1, ClientId = "bank-1", IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) });
        for (uint i = 2; i <= 3; i++)
        {
            using var other = SigningKey.Generate();
            announcement.Participants.Add(new Participant { Index = i, ClientId = $"bank-{i}", IdentityPublicKey = ByteString.CopyFrom(other.PublicKey) });
        }

        return announcement;
    }
}
