using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Tests.Claims;

/// <summary>
/// specs/protocol.md §3.3 and SECURITY.md "Cohorts": the server chooses each cohort's banks and sees each cohort's sum, so
/// a bank refuses a cohort smaller than the session's minimum cohort size (as it read it when it joined) or its own
/// FederatedClientOptions:MinimumCohortSize, and a round announcing another minimum than the one it joined under.
/// </summary>
public sealed class CohortSizeClaimsTests
{
    [Fact]
    public void Options_MinimumCohortSize_DefaultsToThreeAndRefusesLess()
    {
        Assert.Equal(3, new FederatedClientOptions().MinimumCohortSize);
        string keyFile = Path.GetTempFileName();
        try
        {
            var validator = new FederatedClientOptionsValidator();
            Assert.True(validator.Validate(null, new FederatedClientOptions { ClientId = "bank-1", IdentityKeyFile = keyFile }).Succeeded);
            Assert.Contains("MinimumCohortSize", validator.Validate(null, new FederatedClientOptions { ClientId = "bank-1", IdentityKeyFile = keyFile, MinimumCohortSize = 2 }).FailureMessage, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Property(MaxTest = 200)]
    public Property ValidatePlan_AnyCohortAndFloors_RefusedExactlyWhenTooSmallOrTheMinimumChanged() =>
        Prop.ForAll(
            Arb.From(from n in Gen.Choose(3, 12)
                     from session in Gen.Choose(3, 12)
                     from own in Gen.Choose(3, 12)
                     from changed in Gen.Elements(false, false, true)
                     from other in Gen.Choose(0, 12)
                     select (n, session, own, announced: changed ? other : session)),
            s =>
            {
                using var key = SigningKey.Generate();
                RoundAnnouncement announcement = Announcement(key, s.n, s.announced);
                bool refused;
                try
                {
                    _ = AnnouncementValidator.ValidatePlan(announcement, "s", "bank-1", key.PublicKey, 36, cohortFloor: new CohortFloor(s.session, s.own));
                    refused = false;
                }
                catch (FederationException ex) when (ex.Message.Contains("cohort", StringComparison.OrdinalIgnoreCase))
                {
                    // Any other refusal propagates and fails the property: the announcement is otherwise valid.
                    refused = true;
                }

                bool expected = s.announced != s.session || s.n < Math.Max(s.session, s.own);
                return (refused == expected).Label($"n = {s.n}, session {s.session}, own {s.own}, announced {s.announced}: refused = {refused}");
            });

    private static RoundAnnouncement Announcement(SigningKey key, int n, int minimumCohortSize)
    {
        var announcement = new RoundAnnouncement
        {
            ProtocolVersion = ProtocolVersion._1,
            SessionId = "s",
            RoundNumber = 1,
            GraphSeed = ByteString.CopyFrom(new byte[32]),
            YourIndex = 1,
            SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.3 },
            VectorLength = 36,
            Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, SamplingRate = 1, ClipNorm = 1, QuantizationScale = 1024, BatchSize = 10, LocalEpochs = 1, LearningRate = 1, ServerLearningRate = 1 },
            Privacy = new PrivacySettings { Mode = DpMode.None },
            Cohorts = new CohortSettings { CohortSize = 12, MinimumCohortSize = (uint)minimumCohortSize, MinimumCohorts = 1 },
            Cohort = 1,
        };
        announcement.Participants.Add(new Participant { Index = 1, ClientId = "bank-1", IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) });
        for (uint i = 2; i <= n; i++)
        {
            using var other = SigningKey.Generate();
            announcement.Participants.Add(new Participant { Index = i, ClientId = $"bank-{i}", IdentityPublicKey = ByteString.CopyFrom(other.PublicKey) });
        }

        // The server's derivation, which the bank re-runs: only the cohort size may make it refuse.
        SecAggParameters parameters = RoundPlan.Create(AnnouncedPlan.Settings(announcement), n, new RoundIdentity("s", 1, new byte[32])).Parameters;
        announcement.Threshold = (uint)parameters.Threshold;
        announcement.Degree = (uint)parameters.Degree;
        return announcement;
    }
}
