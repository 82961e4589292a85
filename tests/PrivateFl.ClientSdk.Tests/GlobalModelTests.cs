namespace PrivateFl.ClientSdk.Tests;

/// <summary>A released model becomes a predictor only over its own schema and with the session's model kind.</summary>
public sealed class GlobalModelTests
{
    private static readonly ModelSpecification Mlp = ModelSpecification.MultilayerPerceptron([4], HiddenActivation.Tanh, initializationSeed: 8);

    [Fact]
    public void CreatePredictor_SessionModelKind_ScoresWithIt()
    {
        CreditModel model = CreditModel.Create(CreditSchemas.TaiwanCredit, Mlp);
        GlobalModel released = Released(CreditSchemas.TaiwanCredit, model.CreateInitialWeights());

        CreditPredictor predictor = released.CreatePredictor(CreditSchemas.TaiwanCredit, Mlp);

        Assert.Equal(Mlp, predictor.Model);
        Assert.Same(CreditSchemas.TaiwanCredit, predictor.Schema);
    }

    [Fact]
    public void CreatePredictor_AnotherSchemaOrModelKind_ThrowsSchemaMismatch()
    {
        CreditModel model = CreditModel.Create(CreditSchemas.TaiwanCredit, Mlp);
        GlobalModel released = Released(CreditSchemas.TaiwanCredit, model.CreateInitialWeights());
        GlobalModel logistic = Released(CreditSchemas.GermanCredit, new double[CreditSchemas.GermanCredit.EncodedLength + 1]);

        Assert.Throws<SchemaMismatchException>(() => released.CreatePredictor(CreditSchemas.GermanCredit, Mlp));
        Assert.Throws<SchemaMismatchException>(() => released.CreatePredictor(CreditSchemas.TaiwanCredit));
        Assert.Throws<SchemaMismatchException>(() => logistic.CreatePredictor(CreditSchemas.GermanCredit, Mlp));
        Assert.Equal(ModelSpecification.LogisticRegression, logistic.CreatePredictor(CreditSchemas.GermanCredit).Model);
    }

    private static GlobalModel Released(FeatureSchema schema, double[] weights) =>
        new("s", 1, weights, schema.Hash, 1, 3, 0.5, 1e-5, "{}");
}
