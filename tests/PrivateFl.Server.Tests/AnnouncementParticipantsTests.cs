using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests;

/// <summary>
/// The participant list is built once per round and shared by its announcements (issue 10, "Load"): every client's
/// announcement still lists exactly its round's participants, in order, with their keys, and rounds do not mix.
/// </summary>
public sealed class AnnouncementParticipantsTests
{
    private const string SessionId = "s";

    [Property(MaxTest = 30)]
    public Property EveryAnnouncement_ListsExactlyItsRoundsParticipants(PositiveInt size, PositiveInt other)
    {
        int n = 3 + (size.Get % 60);
        int m = 3 + (other.Get % 60);
        SessionDefinition definition = new(SessionId, "schema", new string('a', 64), "logistic-regression", 4, 10, 3, 1000, new SecAggSettingsData(PrivateFl.Crypto.SecAgg.SecAggMode.SemiHonest, PrivateFl.Crypto.SecAgg.NeighbourGraphKind.Complete, 0.1, 0, 40, 20), new TrainingPlanData(AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, 1 << 16, 1.0, 1.0), new PrivacySettingsData(DpModeKind.None, 0, 0, 0), 0);
        List<(int, string, byte[])> first = Participants(n, "a");
        List<(int, string, byte[])> second = Participants(m, "b");
        bool holds = true;
        foreach ((List<(int, string, byte[])> list, long round) in new[] { (first, 1L), (second, 2L), (first, 1L) })
        {
            SecAggParameters parameters = SecAggParameters.Complete(list.Count, 4, new RoundIdentity(SessionId, round, new byte[RoundIdentity.GraphSeedSize]));
            foreach (int index in new[] { 1, list.Count, 1 + (list.Count / 2) })
            {
                var ticket = new RoundTicket(definition, round, new byte[RoundIdentity.GraphSeedSize], index, list, parameters, new ModelVersionRecord(SessionId, 0, 0, [.. new double[4]], 0, 0, 0, "{}", 0), TimeSpan.FromSeconds(30), 0, 0);
                RoundAnnouncement wire = RoundAnnouncement.Parser.ParseFrom(ProtoMapper.ToProto(ticket).ToByteArray());
                holds &= wire.YourIndex == index
                    && wire.Participants.Count == list.Count
                    && wire.Participants.Select(p => ((int)p.Index, p.ClientId, p.IdentityPublicKey.ToByteArray())).SequenceEqual(list, Comparer.Instance);
            }
        }

        return holds.ToProperty();
    }

    private static List<(int, string, byte[])> Participants(int n, string prefix) =>
        [.. Enumerable.Range(1, n).Select(i => (i, $"{prefix}-{i:D3}", RandomNumberGenerator.GetBytes(32)))];

    private sealed class Comparer : IEqualityComparer<(int, string, byte[])>
    {
        public static readonly Comparer Instance = new();

        public bool Equals((int, string, byte[]) x, (int, string, byte[]) y) => x.Item1 == y.Item1 && x.Item2 == y.Item2 && x.Item3.AsSpan().SequenceEqual(y.Item3);

        public int GetHashCode((int, string, byte[]) obj) => obj.Item1;
    }
}
