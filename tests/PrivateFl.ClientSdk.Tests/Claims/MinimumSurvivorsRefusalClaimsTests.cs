using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Grpc.Core;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;
using CryptoMode = PrivateFl.Crypto.SecAgg.SecAggMode;
using GraphKind = PrivateFl.Crypto.SecAgg.NeighbourGraphKind;

namespace PrivateFl.ClientSdk.Tests.Claims;

/// <summary>
/// specs/privacy.md §2: "every client refuses to unmask a survivor list shorter than m" (docs/claims.md V7), against a
/// server that reports whatever list it likes, on sparse SecAgg+ DP rounds where t is far below m.
/// </summary>
public sealed class MinimumSurvivorsRefusalClaimsTests
{
    private static readonly (int N, double Corrupted, double Dropout)[] Settings = [(20, 0.05, 0.05), (30, 0.05, 0.2), (20, 0.1, 0.1)];

    /// <summary>
    /// The server reports a list of L survivors holding the bank and at least t of its neighbours (so the session's
    /// own list checks pass), with t &lt; L ≤ n. The bank refuses (TooFewSurvivors, naming m) and sends nothing more
    /// exactly when L &lt; m = max(t, ⌊(1 − δ)n⌋); otherwise it goes on to unmask.
    /// </summary>
    [Property(MaxTest = 30)]
    public Property RunAsync_SurvivorListShorterThanM_RefusedBeforeUnmaskingExactlyBelowM() =>
        Prop.ForAll(
            Arb.From(from setting in Gen.Elements(Settings)
                     from target in Gen.Choose(1, setting.N)
                     from fraction in Gen.Choose(0, 1000)
                     from below in Gen.Elements(true, false)
                     from seed in Gen.Choose(0, int.MaxValue)
                     select (setting, target, fraction, below, seed)),
            s =>
            {
                (int n, double corrupted, double dropout) = s.setting;
                var round = new RoundIdentity("v7-client", 1, SHA256.HashData(BitConverter.GetBytes(s.seed)));
                SecAggParameters parameters = SecAggParameters.SecAggPlus(n, 4, round, CryptoMode.SemiHonest, dropout, corrupted, maximizeThreshold: true);
                int t = parameters.Threshold;
                int m = Math.Max(t, (int)Math.Floor((1 - dropout) * n));
                // Half the cases below m (t < L < m), half from m to n.
                int length = s.below ? t + 1 + (s.fraction * (m - t - 2) / 1000) : m + (s.fraction * (n - m) / 1000);
                int[] survivors = Survivors(parameters, s.target, length, new Random(s.seed));
                using var server = new LyingSurvivorServer(parameters, s.target, survivors);
                using var identity = SigningKey.Generate();
                var runner = new RoundRunner(new Federation.FederationClient(server), identity);

                Exception? refusal = Record.Exception(() => runner.RunAsync(Announcement(parameters, s.target, dropout, corrupted), parameters, new Dictionary<int, ReadOnlyMemory<byte>>(), new uint[4], CancellationToken.None).GetAwaiter().GetResult());

                bool refused = refusal is SecAggProtocolException { Violation: SecAggViolation.TooFewSurvivors } ex
                    && ex.Message.Contains($"at least {m}", StringComparison.Ordinal)
                    && !server.ContinuedAfterSurvivorList;
                bool continued = refusal is RpcException { StatusCode: StatusCode.Cancelled } && server.ContinuedAfterSurvivorList;
                return (parameters.GraphKind == GraphKind.Harary && t + 1 < m && (length < m ? refused : continued))
                    .Label($"n = {n}, t = {t}, m = {m}, L = {length}, bank {s.target}: {refusal?.GetType().Name}: {refusal?.Message}; continued {server.ContinuedAfterSurvivorList}");
            });

    /// <summary>The bank, as many of its neighbours as fit (at least t), then other clients, ascending.</summary>
    private static int[] Survivors(SecAggParameters parameters, int target, int length, Random random)
    {
        IReadOnlyList<int> neighbours = NeighbourGraph.Create(parameters).NeighboursOf(target);
        IEnumerable<int> others = Enumerable.Range(1, parameters.ParticipantCount).Where(i => i != target && !neighbours.Contains(i)).OrderBy(_ => random.Next());
        return [.. new[] { target }.Concat(neighbours.OrderBy(_ => random.Next())).Concat(others).Take(length).Order()];
    }

    private static RoundAnnouncement Announcement(SecAggParameters parameters, int target, double dropout, double corrupted)
    {
        var announcement = new RoundAnnouncement
        {
            ProtocolVersion = ProtocolVersion._1,
            SessionId = parameters.Round.SessionId,
            RoundNumber = parameters.Round.RoundNumber,
            YourIndex = (uint)target,
            Threshold = (uint)parameters.Threshold,
            Degree = (uint)parameters.Degree,
            VectorLength = (uint)parameters.VectorLength,
            StageDeadlineMs = 1000,
            SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Harary, DropoutRate = dropout, CorruptedFraction = corrupted },
            Privacy = new PrivacySettings { Mode = DpMode.ClientLevel, EpsilonBudget = 10, Delta = 1e-5, NoiseMultiplier = 1 },
        };
        announcement.Participants.Add(Enumerable.Range(1, parameters.ParticipantCount).Select(i => new Participant { Index = (uint)i, ClientId = $"bank-{i:D2}" }));
        return announcement;
    }
}
