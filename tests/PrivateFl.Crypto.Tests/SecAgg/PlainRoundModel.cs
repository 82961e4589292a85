using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// What a round must produce, computed without any cryptography: who is alive after each stage, where the
/// round aborts, and the plain sum of the survivors' inputs mod 2^32.
/// </summary>
internal static class PlainRoundModel
{
    public static (RoundStage? AbortedAt, int[] Included, uint[] Sum) Expect(RoundScenario scenario, SecAggParameters parameters)
    {
        NeighbourGraph graph = NeighbourGraph.Create(parameters);
        int t = parameters.Threshold;
        int Live(int client, ISet<int> set) => graph.NeighboursOf(client).Count(set.Contains);

        SortedSet<int> Prune(IEnumerable<int> clients)
        {
            var set = new SortedSet<int>(clients);
            while (set.RemoveWhere(c => Live(c, set) < t) > 0)
            {
            }

            return set;
        }

        IEnumerable<int> All = Enumerable.Range(1, scenario.ClientCount);
        SortedSet<int> u1 = Prune(All.Where(c => scenario.Sends(c, 0)));
        if (u1.Count == 0)
        {
            return (RoundStage.AdvertiseKeys, [], []);
        }

        SortedSet<int> u2 = Prune(u1.Where(c => scenario.Sends(c, 1)));
        if (u2.Count == 0)
        {
            return (RoundStage.ShareKeys, [], []);
        }

        var u3 = new SortedSet<int>(u2.Where(c => scenario.Sends(c, 2)));
        if (u2.Any(c => Live(c, u3) < t))
        {
            return (RoundStage.MaskedInput, [], []);
        }

        var unmaskers = u3;
        if (parameters.Mode == SecAggMode.Active)
        {
            unmaskers = new SortedSet<int>(u3.Where(c => scenario.Sends(c, 3)));
            if (unmaskers.Count < t)
            {
                return (RoundStage.ConsistencyCheck, [], []);
            }
        }

        var u5 = new SortedSet<int>(unmaskers.Where(c => scenario.Sends(c, 4)));
        if (u2.Any(c => Live(c, u5) < t))
        {
            return (RoundStage.Unmask, [], []);
        }

        uint[] sum = new uint[scenario.VectorLength];
        foreach (int client in u3)
        {
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += scenario.Inputs[client - 1][i];
            }
        }

        return (null, [.. u3], sum);
    }
}
