using FsCheck;
using FsCheck.Xunit;
using PrivateFl.ClientSdk.Tests.Support;

namespace PrivateFl.ClientSdk.Tests;

public sealed class CreditDatasetTests
{
    [Fact]
    public void StratifiedSplit_QuarterOfRealData_KeepsTheClassShares()
    {
        (CreditDataset train, CreditDataset test) = CreditFiles.GermanCredit.StratifiedSplit(0.25, seed: 1);

        Assert.Equal((750, 225), (train.RowCount, train.PositiveCount));
        Assert.Equal((250, 75), (test.RowCount, test.PositiveCount));
        Assert.Same(CreditSchemas.GermanCredit, test.Schema);
    }

    [Fact]
    public void StratifiedSplit_Rows_AreDisjointAndCoverTheData()
    {
        CreditDataset data = CreditFiles.GermanCredit;

        (CreditDataset train, CreditDataset test) = data.StratifiedSplit(0.25, seed: 1);

        HashSet<double[]> all = RowsOf(data);
        HashSet<double[]> trainRows = RowsOf(train);
        HashSet<double[]> testRows = RowsOf(test);
        Assert.Empty(trainRows.Intersect(testRows));
        Assert.True(all.SetEquals(trainRows.Union(testRows)));
    }

    [Fact]
    public void StratifiedSplit_SameSeed_GivesTheSameSplit()
    {
        CreditDataset data = CreditFiles.GermanCredit;

        CreditDataset first = data.StratifiedSplit(0.25, seed: 7).Test;
        CreditDataset second = data.StratifiedSplit(0.25, seed: 7).Test;
        CreditDataset other = data.StratifiedSplit(0.25, seed: 8).Test;

        Assert.True(RowsOf(first).SetEquals(RowsOf(second)));
        Assert.False(RowsOf(first).SetEquals(RowsOf(other)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void StratifiedSplit_FractionOutsideOpenUnitInterval_ThrowsNamingTestFraction(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>("testFraction", () => CreditFiles.GermanCredit.StratifiedSplit(fraction, 0));
    }

    [Fact]
    public void StratifiedShards_ThreeBanks_BalancesSizesAndClasses()
    {
        IReadOnlyList<CreditDataset> shards = CreditFiles.GermanCredit.StratifiedShards(3, seed: 42);

        Assert.Equal([334, 333, 333], shards.Select(s => s.RowCount));
        Assert.Equal([100, 100, 100], shards.Select(s => s.PositiveCount));
    }

    [Property(MaxTest = 40)]
    public bool StratifiedShards_AnyCountAndSeed_PartitionsRowsWithBalancedClasses(PositiveInt countChoice, int seed)
    {
        CreditDataset data = CreditFiles.GermanCredit;
        int count = 1 + (countChoice.Get % 25);

        IReadOnlyList<CreditDataset> shards = data.StratifiedShards(count, seed);

        var union = new HashSet<double[]>(ReferenceEqualityComparer.Instance);
        int total = 0;
        foreach (CreditDataset shard in shards)
        {
            union.UnionWith(RowsOf(shard));
            total += shard.RowCount;
        }

        int[] sizes = [.. shards.Select(s => s.RowCount)];
        int[] positives = [.. shards.Select(s => s.PositiveCount)];
        return shards.Count == count
            && total == data.RowCount
            && union.SetEquals(RowsOf(data))
            && sizes.Max() - sizes.Min() <= 1
            && positives.Max() - positives.Min() <= 1;
    }

    [Fact]
    public void StratifiedShards_SameSeed_IsDeterministic()
    {
        IReadOnlyList<CreditDataset> first = CreditFiles.GermanCredit.StratifiedShards(4, seed: 3);
        IReadOnlyList<CreditDataset> second = CreditFiles.GermanCredit.StratifiedShards(4, seed: 3);

        Assert.All(Enumerable.Range(0, 4), i => Assert.True(RowsOf(first[i]).SetEquals(RowsOf(second[i]))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void StratifiedShards_CountOutOfRange_ThrowsNamingShardCount(int count)
    {
        Assert.Throws<ArgumentOutOfRangeException>("shardCount", () => CreditFiles.GermanCredit.StratifiedShards(count, 0));
    }

    [Fact]
    public void Subset_Rows_KeepsTheirOrderAndLabels()
    {
        CreditDataset data = CreditFiles.GermanCredit;

        CreditDataset subset = data.Subset([1, 0, 1]);

        Assert.Equal([1, 0, 1], subset.Labels.ToArray());
        Assert.True(subset.GetFeatures(1).SequenceEqual(data.GetFeatures(0)));
        Assert.Throws<ArgumentOutOfRangeException>("rows", () => data.Subset([1000]));
    }

    [Fact]
    public void GetFeatures_RowOutOfRange_ThrowsNamingRow()
    {
        Assert.Throws<ArgumentOutOfRangeException>("row", () => CreditFiles.GermanCredit.GetFeatures(1000));
    }

    // Datasets made from one another share row arrays, so reference identity tells rows apart even when two
    // applicants have the same attributes.
    private static HashSet<double[]> RowsOf(CreditDataset data) =>
        new(Enumerable.Range(0, data.RowCount).Select(data.Input), ReferenceEqualityComparer.Instance);
}
