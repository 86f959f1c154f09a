package org.overparam.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The design's layering: pure math below, Spark and I/O above. Nothing in linalg, kernel, model, optim or theory may
 * use Spark, so every formula is testable on a plain array; the data layer stays free of Spark too.
 */
class PackageRulesTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.overparam");

    @Test
    void pureMathPackagesDoNotUseSpark() {
        ArchRule rule = noClasses()
                .that()
                .resideInAnyPackage(
                        "org.overparam.linalg..",
                        "org.overparam.kernel..",
                        "org.overparam.model..",
                        "org.overparam.optim..",
                        "org.overparam.theory..",
                        "org.overparam.data..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.spark..")
                .allowEmptyShould(true);
        rule.check(CLASSES);
    }

    @Test
    void pureMathPackagesDoNotReachUpIntoTheSparkOrJobLayers() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.overparam.linalg..",
                        "org.overparam.kernel..",
                        "org.overparam.model..",
                        "org.overparam.optim..",
                        "org.overparam.theory..",
                        "org.overparam.data..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.overparam.spark..",
                        "org.overparam.experiment..",
                        "org.overparam.cli..",
                        "org.overparam.report..",
                        "org.overparam.run..",
                        "org.overparam.config..",
                        "org.overparam.pipeline..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    void mathPackagesDoNotDependOnTheDataLayer() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.overparam.linalg..",
                        "org.overparam.kernel..",
                        "org.overparam.model..",
                        "org.overparam.optim..",
                        "org.overparam.theory..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.overparam.data..", "org.apache.hadoop..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    void theReportPackageIsPlainJavaAndXChart() {
        // It sits beside job: plots and HTML as bytes and strings, written by the job layer through Hadoop.
        noClasses()
                .that()
                .resideInAPackage("org.overparam.report..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.spark..",
                        "org.apache.hadoop..",
                        "org.overparam.spark..",
                        "org.overparam.experiment..",
                        "org.overparam.cli..")
                .check(CLASSES);
    }

    @Test
    void theDistributedLayerKnowsNothingOfRunsSettingsOrJobs() {
        // spark computes on shards; where its results go and which settings chose its inputs is the jobs' business.
        noClasses()
                .that()
                .resideInAPackage("org.overparam.spark..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.overparam.run..",
                        "org.overparam.config..",
                        "org.overparam.pipeline..",
                        "org.overparam.experiment..",
                        "org.overparam.cli..")
                .check(CLASSES);
    }

    @Test
    void theRunFrameAndTheSettingsKnowNoJob() {
        // The run frame (directory, manifest, tables, figures) and the settings reader serve every job and name none.
        noClasses()
                .that()
                .resideInAnyPackage("org.overparam.run..", "org.overparam.config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.overparam.experiment..", "org.overparam.pipeline..", "org.overparam.cli..")
                .check(CLASSES);
    }

    @Test
    void noExperimentImportsAnother() {
        // What two experiments share lives below them (config, theory, spark); Jobs, above them, chooses among them.
        com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
                .matching("org.overparam.experiment.(*)..")
                .should()
                .notDependOnEachOther()
                .check(CLASSES);
    }

    @Test
    void theRuleSeesTheClassesItGuards() {
        // A rule over an empty import passes vacuously: make sure the import found the project's classes.
        assertThat(CLASSES.containPackage("org.overparam.linalg")).isTrue();
        assertThat(CLASSES.containPackage("org.overparam.data")).isTrue();
        assertThat(CLASSES.containPackage("org.overparam.report")).isTrue();
        assertThat(CLASSES.size()).isGreaterThan(20);
    }
}
