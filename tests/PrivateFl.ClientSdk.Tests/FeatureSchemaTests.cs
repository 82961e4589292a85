namespace PrivateFl.ClientSdk.Tests;

public sealed class FeatureSchemaTests
{
    // The canonical JSON of german-credit v2 (Sex protected) and its SHA-256 (checked independently with Python's
    // hashlib). Changing them changes every bank's model identity: only do so with a new schema version.
    private const string GermanCreditJson =
        """{"name":"german-credit","version":2,"columns":[{"name":"Age","kind":"numeric","min":18,"max":100},{"name":"Sex","kind":"categorical","vocabulary":["male","female"],"protected":true},{"name":"Job","kind":"categorical","vocabulary":["0","1","2","3"]},{"name":"Housing","kind":"categorical","vocabulary":["own","rent","free"]},{"name":"Saving accounts","kind":"categorical","vocabulary":["little","moderate","quite rich","rich","none"],"aliases":{"NA":"none"},"missingAs":"none"},{"name":"Checking account","kind":"categorical","vocabulary":["little","moderate","rich","none"],"aliases":{"NA":"none"},"missingAs":"none"},{"name":"Credit amount","kind":"numeric","min":0,"max":20000},{"name":"Duration","kind":"numeric","min":1,"max":72},{"name":"Purpose","kind":"categorical","vocabulary":["car","radio/TV","furniture/equipment","business","education","repairs","domestic appliances","vacation/others"]}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""";

    private const string GermanCreditHash = "8ef33cba26f41695a3ba18b782378b21ac861692d7d67f1c085b898b81407496";

    // Version 1 (Sex a feature): a document without protected columns keeps its canonical form and hash.
    private const string GermanCreditV1Json =
        """{"name":"german-credit","version":1,"columns":[{"name":"Age","kind":"numeric","min":18,"max":100},{"name":"Sex","kind":"categorical","vocabulary":["male","female"]},{"name":"Job","kind":"categorical","vocabulary":["0","1","2","3"]},{"name":"Housing","kind":"categorical","vocabulary":["own","rent","free"]},{"name":"Saving accounts","kind":"categorical","vocabulary":["little","moderate","quite rich","rich","none"],"aliases":{"NA":"none"},"missingAs":"none"},{"name":"Checking account","kind":"categorical","vocabulary":["little","moderate","rich","none"],"aliases":{"NA":"none"},"missingAs":"none"},{"name":"Credit amount","kind":"numeric","min":0,"max":20000},{"name":"Duration","kind":"numeric","min":1,"max":72},{"name":"Purpose","kind":"categorical","vocabulary":["car","radio/TV","furniture/equipment","business","education","repairs","domestic appliances","vacation/others"]}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""";

    private const string GermanCreditV1Hash = "f303fb77eb8dbf1c17c6131a0254260faa9615beaa92d9a2722adc7e27a7dc53";

    private const string MinimalJson =
        """{"name":"tiny","version":1,"columns":[{"name":"Age","kind":"numeric","min":18,"max":100}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""";

    [Fact]
    public void GermanCredit_Columns_MatchTheDeclaredSchema()
    {
        FeatureSchema schema = CreditSchemas.GermanCredit;

        Assert.Equal("german-credit", schema.Name);
        Assert.Equal(2, schema.Version);
        Assert.Equal(
            ["Age", "Sex", "Job", "Housing", "Saving accounts", "Checking account", "Credit amount", "Duration", "Purpose"],
            schema.Columns.Select(c => c.Name));
        Assert.Equal(("Risk", "bad", "good"), (schema.LabelColumn, schema.PositiveLabel, schema.NegativeLabel));
        Assert.Equal((18.0, 100.0), (schema.Columns[0].Minimum!.Value, schema.Columns[0].Maximum!.Value));
        Assert.Equal((0.0, 20000.0), (schema.Columns[6].Minimum!.Value, schema.Columns[6].Maximum!.Value));
        Assert.Equal((1.0, 72.0), (schema.Columns[7].Minimum!.Value, schema.Columns[7].Maximum!.Value));
        Assert.Equal(["0", "1", "2", "3"], schema.Columns[2].Vocabulary);
        Assert.Equal("none", schema.Columns[4].Aliases["NA"]);
        Assert.Equal("none", schema.Columns[5].Aliases["NA"]);
    }

    [Fact]
    public void EncodedLength_GermanCredit_IsNumericCountPlusVocabulariesPlusUnknownBuckets()
    {
        FeatureSchema schema = CreditSchemas.GermanCredit;

        // 3 numeric + Job 4+1 + Housing 3+1 + Saving 5+1 + Checking 4+1 + Purpose 8+1; Sex is protected (v1 had 35).
        Assert.Equal(32, schema.EncodedLength);
        Assert.Equal(32, schema.FeatureNames.Count);
        Assert.Equal(33, LogisticRegression.CreateWeights(schema).Length);
        Assert.Equal(Math.Sqrt(8), schema.MaxEncodedNorm);
        Assert.Equal("Age", schema.FeatureNames[0]);
        Assert.Equal("Job=0", schema.FeatureNames[1]);
        Assert.DoesNotContain(schema.FeatureNames, name => name.StartsWith("Sex", StringComparison.Ordinal));
        Assert.Equal(["Sex"], schema.ProtectedColumns.Select(c => c.Name));
        Assert.Equal("Purpose=(unknown)", schema.FeatureNames[^1]);
    }

    [Fact]
    public void Hash_GermanCredit_IsPinnedLowercaseSha256()
    {
        string hash = CreditSchemas.GermanCredit.Hash;

        Assert.Equal(GermanCreditHash, hash);
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void FromJson_Version1DocumentWithoutProtectedColumns_KeepsItsCanonicalFormAndHash()
    {
        FeatureSchema schema = FeatureSchema.FromJson(GermanCreditV1Json);

        Assert.Equal(GermanCreditV1Json, schema.ToJson());
        Assert.Equal(GermanCreditV1Hash, schema.Hash);
        Assert.Equal(35, schema.EncodedLength);
    }

    [Fact]
    public void ToJson_GermanCredit_IsTheCanonicalDocument()
    {
        Assert.Equal(GermanCreditJson, CreditSchemas.GermanCredit.ToJson());
    }

    [Fact]
    public void Hash_SameSchemaBuiltTwice_IsEqual()
    {
        FeatureSchema fromJson = FeatureSchema.FromJson(CreditSchemas.GermanCredit.ToJson());
        FeatureSchema fromIndented = FeatureSchema.FromJson(CreditSchemas.GermanCredit.ToJson(indented: true));

        Assert.Equal(CreditSchemas.GermanCredit.Hash, fromJson.Hash);
        Assert.Equal(CreditSchemas.GermanCredit.Hash, fromIndented.Hash);
    }

    [Fact]
    public void ToJson_RoundTrip_GivesTheSameCanonicalJson()
    {
        string json = CreditSchemas.GermanCredit.ToJson();

        FeatureSchema read = FeatureSchema.FromJson(json);

        Assert.Equal(json, read.ToJson());
        Assert.Equal(CreditSchemas.GermanCredit.FeatureNames, read.FeatureNames);
        Assert.Equal("none", read.Columns[4].MissingAs);
        Assert.DoesNotContain("\n", json, StringComparison.Ordinal);
        Assert.Contains("\"aliases\":{\"NA\":\"none\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_AliasesInAnotherOrder_HashIsUnchanged()
    {
        var aliases1 = new Dictionary<string, string> { ["NA"] = "none", ["n/a"] = "none" };
        var aliases2 = new Dictionary<string, string> { ["n/a"] = "none", ["NA"] = "none" };

        FeatureSchema first = Build(FeatureColumn.Categorical("Checking account", ["little", "none"], aliases1));
        FeatureSchema second = Build(FeatureColumn.Categorical("Checking account", ["little", "none"], aliases2));

        Assert.Equal(first.Hash, second.Hash);
    }

    [Fact]
    public void Hash_DeclaredRangeChanged_Differs()
    {
        FeatureSchema narrow = Build(FeatureColumn.Numeric("Age", 18, 100));
        FeatureSchema wide = Build(FeatureColumn.Numeric("Age", 18, 120));

        Assert.NotEqual(narrow.Hash, wide.Hash);
    }

    [Fact]
    public void Hash_VocabularyOrderChanged_Differs()
    {
        FeatureSchema first = Build(FeatureColumn.Categorical("Sex", ["male", "female"]));
        FeatureSchema second = Build(FeatureColumn.Categorical("Sex", ["female", "male"]));

        Assert.NotEqual(first.Hash, second.Hash);
    }

    [Fact]
    public void FromJson_MinimalDocument_ReadsIt()
    {
        FeatureSchema schema = FeatureSchema.FromJson(MinimalJson);

        Assert.Equal("tiny", schema.Name);
        Assert.Equal(1, schema.EncodedLength);
        Assert.Equal(MinimalJson, schema.ToJson());
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"name":"tiny","version":1,"columns":[]}""", "$.label: is required")]
    [InlineData("""{"name":"tiny","version":0,"columns":[],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.version: must be an integer from 1")]
    [InlineData("""{"name":"tiny","version":1,"columns":[],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns: A schema needs at least one column")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Age","kind":"numeric","min":100,"max":18}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].max: The declared range [100, 18] of 'Age' is empty")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Age","kind":"numeric","min":18}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].max: is required")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Age","kind":"numeric","min":"18","max":100}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].min: must be a finite number")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Age","kind":"text"}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].kind: must be \"numeric\" or \"categorical\"")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Sex","kind":"categorical","vocab":["m"]}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].vocab: is not a known property")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Sex","kind":"categorical","vocabulary":[]}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].vocabulary: The vocabulary of 'Sex' must contain at least one category")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Sex","kind":"categorical","vocabulary":["m","m"]}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].vocabulary: The category 'm' appears twice")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Sex","kind":"categorical","vocabulary":["m"],"aliases":{"NA":"none"}}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].aliases: The alias 'NA' of 'Sex' maps to 'none', which is not a category")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Sex","kind":"categorical","vocabulary":["m"],"missingAs":"f"}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[0].missingAs: The category for missing values of 'Sex', 'f', is not in the vocabulary")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Age","kind":"numeric","min":18,"max":100},{"name":"Age","kind":"numeric","min":18,"max":100}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.columns[1].name: The column name 'Age' appears twice (also $.columns[0])")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Age","kind":"numeric","min":18,"max":100}],"label":{"column":"Age","positive":"bad","negative":"good"}}""", "$.label.column: The label column 'Age' is also an input column")]
    [InlineData("""{"name":"tiny","version":1,"columns":[{"name":"Age","kind":"numeric","min":18,"max":100}],"label":{"column":"Risk","positive":"bad","negative":"bad"}}""", "$.label.negative: The positive and negative labels are both 'bad'")]
    [InlineData("""{"name":"tiny","name":"again","version":1,"columns":[{"name":"Age","kind":"numeric","min":18,"max":100}],"label":{"column":"Risk","positive":"bad","negative":"good"}}""", "$.name: appears twice")]
    public void FromJson_InvalidDocument_ThrowsFormatExceptionNamingThePathAndRule(string json, string expected)
    {
        FormatException exception = Assert.Throws<FormatException>(() => FeatureSchema.FromJson(json));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_Null_ThrowsNamingJson()
    {
        Assert.Throws<ArgumentNullException>("json", () => FeatureSchema.FromJson(null!));
    }

    [Fact]
    public void Numeric_EmptyRange_ThrowsNamingMaximum()
    {
        Assert.Throws<ArgumentException>("maximum", () => FeatureColumn.Numeric("Age", 5, 5));
    }

    [Fact]
    public void Numeric_NameWithSurroundingWhitespace_ThrowsNamingName()
    {
        Assert.Throws<ArgumentException>("name", () => FeatureColumn.Numeric(" Age", 0, 1));
    }

    [Fact]
    public void Categorical_EmptyVocabulary_ThrowsNamingVocabulary()
    {
        Assert.Throws<ArgumentException>("vocabulary", () => FeatureColumn.Categorical("Sex", []));
    }

    [Fact]
    public void Categorical_AliasThatIsACategory_ThrowsNamingAliases()
    {
        var aliases = new Dictionary<string, string> { ["male"] = "female" };

        Assert.Throws<ArgumentException>("aliases", () => FeatureColumn.Categorical("Sex", ["male", "female"], aliases));
    }

    [Fact]
    public void Constructor_VersionZero_ThrowsNamingVersion()
    {
        Assert.Throws<ArgumentOutOfRangeException>("version", () => new FeatureSchema("x", 0, [FeatureColumn.Numeric("Age", 0, 1)], "Risk", "bad", "good"));
    }

    [Fact]
    public void Constructor_LabelColumnIsAnInput_ThrowsNamingLabelColumn()
    {
        Assert.Throws<ArgumentException>("labelColumn", () => new FeatureSchema("x", 1, [FeatureColumn.Numeric("Age", 0, 1)], "Age", "bad", "good"));
    }

    private static FeatureSchema Build(FeatureColumn column) => new("test", 1, [column], "Risk", "bad", "good");
}
