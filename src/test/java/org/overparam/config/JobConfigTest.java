package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;

class JobConfigTest {
    @TempDir
    Path dir;

    @Test
    void precedenceIsReferenceThenJobFileThenOverrides() throws Exception {
        Path job = dir.resolve("job.conf");
        Files.writeString(job, "data { n = 50, d = 7, classes = [3, 4] }");
        Config c = JobConfig.load(job.toFile(), List.of("data.n=60")).config();
        assertThat(c.getInt("data.n")).isEqualTo(60);
        assertThat(c.getInt("data.d")).isEqualTo(7);
        assertThat(c.getIntList("data.classes")).containsExactly(3, 4);
        assertThat(c.getString("data.source")).isEqualTo("sphere");
    }

    @Test
    void laterOverridesWin() {
        Config c = JobConfig.load(null, List.of("data.n=1", "data.n=2")).config();
        assertThat(c.getInt("data.n")).isEqualTo(2);
    }

    @Test
    void stringSettingsAreTakenLiterally() {
        Config c = JobConfig.load(null, List.of("data.path=hdfs://nn:8020/data//mnist", "data.labels=random:0.5"))
                .config();
        assertThat(c.getString("data.path")).isEqualTo("hdfs://nn:8020/data//mnist");
        assertThat(c.getString("data.labels")).isEqualTo("random:0.5");
    }

    @Test
    void listsAreParsed() {
        assertThat(JobConfig.load(null, List.of("data.classes=[0,1]")).config().getIntList("data.classes"))
                .containsExactly(0, 1);
    }

    @Test
    void malformedInputs() {
        assertThat(assertThrows(UserError.class, () -> JobConfig.load(null, List.of("data.n")))
                        .getMessage())
                .contains("key=value");
        assertThat(assertThrows(
                                UserError.class,
                                () -> JobConfig.load(dir.resolve("none.conf").toFile(), List.of()))
                        .getMessage())
                .contains("Job file not found");
    }

    @Test
    void misspeltKeysInAJobFileAreRefused() throws Exception {
        Path job = dir.resolve("typo.conf");
        Files.writeString(job, "data { sourse = mnist }\ntrian { eta = 1 }");
        UserError e = assertThrows(UserError.class, () -> JobConfig.load(job.toFile(), List.of()));
        assertThat(e.getMessage())
                .contains("'data.sourse'")
                .contains("did you mean 'data.source'")
                .contains("'trian.eta'");
    }

    @Test
    void everyReferenceSettingIsDocumented() {
        Config ref = JobConfig.reference();
        ref.entrySet()
                .forEach(e -> assertThat(e.getValue().origin().comments())
                        .as("comment documenting " + e.getKey() + " in reference.conf")
                        .isNotEmpty());
    }
}
