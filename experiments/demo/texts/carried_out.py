"""The twenty experiments of the demo programme carried out, in Finnish and English.

Fictional: any likeness of a company or person name to a real one is a coincidence; the
public institutions named are only used as partner organisations.
"""

# The twenty experiments carried out, in the order of their pilots' start dates.
# (language, title, summary, need, proposer_type, service_area, centres, sdgs, city_unit,
#  decision, lessons_learned, findings, benefits_city, benefits_customers)
EXPERIMENTS = (
    (
        "fi",
        "Chatbot varhaiskasvatuksen hakemiseen",
        "Keskusteleva chatbot neuvoo perheitä varhaiskasvatuspaikan hakemisessa ympäri "
        "vuorokauden suomeksi, ruotsiksi ja englanniksi.",
        "Varhaiskasvatuksen asiakaspalveluun tulee hakuaikoina satoja samanlaisia "
        "kysymyksiä viikossa, ja puhelinjonot venyvät yli puoleen tuntiin.",
        "company",
        "education",
        ["city_wide"],
        [4, 10],
        "Varhaiskasvatuksen palvelualue",
        "Chatbot otetaan pysyväksi osaksi varhaiskasvatuksen asiakaspalvelua.",
        "Botti kannattaa opettaa oikeilla asiakaskysymyksillä ennen julkaisua, ja "
        "palvelusta tarvitaan aina reitti ihmiselle.",
        "Noin 40 % kysymyksistä ratkesi ilman asiakaspalvelijaa.",
        "Puhelinjonot lyhenivät hakuaikana selvästi.",
        "Vastaus saatiin myös iltaisin ja viikonloppuisin.",
    ),
    (
        "en",
        "Remote physiotherapy for home care clients",
        "Home care clients do guided physiotherapy exercises with a tablet and a video link "
        "to a physiotherapist twice a week.",
        "Many home care clients lose mobility because visits by a physiotherapist are rare "
        "and travelling to a health centre is hard for them.",
        "company",
        "health_social",
        ["espoon_keskus", "leppavaara"],
        [3],
        "Home care services",
        "Remote physiotherapy becomes part of the home care service range.",
        "Clients needed help with the first two sessions; after that most managed alone. "
        "Group sessions worked better than individual ones.",
        "Clients' balance test results improved in 8 of 10 follow-ups.",
        "One physiotherapist reached four times as many clients a day.",
        "Clients stayed mobile and felt safer at home.",
    ),
    (
        "fi",
        "Sisäilman olosuhteiden seuranta kouluissa",
        "Langattomat anturit mittaavat hiilidioksidia, lämpötilaa ja kosteutta kymmenen "
        "koulun luokissa, ja tiedot näkyvät kiinteistöhuollolle reaaliajassa.",
        "Sisäilmaongelmista tehdyt ilmoitukset tulevat usein myöhään, eikä niitä voida "
        "todentaa ilman kalliita kertamittauksia.",
        "company",
        "environment_climate",
        ["tapiola", "matinkyla_olari"],
        [3, 11],
        "Tilapalvelut",
        "Anturiseuranta laajennetaan kaikkiin uusiin ja peruskorjattaviin kouluihin.",
        "Mittausdata on hyödyllistä vasta, kun sovitaan kuka reagoi hälytyksiin ja missä ajassa.",
        "Ilmanvaihdon säätöjä korjattiin 14 luokassa mittausten perusteella.",
        "Korjaukset voitiin kohdistaa oikein ja nopeasti.",
        "Oppilaat ja opettajat saivat tietoa luokkansa ilmanlaadusta.",
    ),
    (
        "en",
        "Robot-assisted language learning in primary schools",
        "A small humanoid robot helps pupils practise English and Finnish pronunciation in "
        "small groups during lessons.",
        "Language teachers have too little time to let each pupil speak and practise "
        "pronunciation in large groups.",
        "company",
        "education",
        ["espoonlahti"],
        [4],
        "Finnish-language basic education",
        "The robot is adopted as a teaching tool available to all primary schools.",
        "Teachers need training and ready lesson plans; the novelty effect fades, so "
        "the robot must support real learning goals.",
        "Shy pupils spoke more with the robot than in front of the class.",
        "Teachers could split the class into practice groups.",
        "Pupils practised speaking in a safe setting.",
    ),
    (
        "fi",
        "Kirjaston omatoimiaukiolo lähikirjastoissa",
        "Lähikirjastot avataan asiakkaille myös henkilökunnan työajan ulkopuolella "
        "kirjastokortilla ja PIN-koodilla.",
        "Pienet lähikirjastot ovat auki vain muutamana päivänä viikossa, vaikka tilat "
        "seisovat tyhjinä.",
        "community",
        "culture_sport",
        ["matinkyla_olari"],
        [4, 11],
        "Kirjastopalvelut",
        "Omatoimiaukiolo otetaan käyttöön kaikissa lähikirjastoissa.",
        "Turvallisuudesta tiedottaminen ja selkeät opasteet olivat tärkeämpiä kuin tekniikka.",
        "Aukiolotunnit kolminkertaistuivat ja käynnit kasvoivat 35 %.",
        "Tilat olivat tehokkaammassa käytössä ilman lisähenkilöstöä.",
        "Kirjastoon pääsi omaan aikatauluun sopivasti.",
    ),
    (
        "en",
        "Digital participation map for city planning",
        "Residents mark places, ideas and problems on a map-based survey while the master "
        "plan of their district is being prepared.",
        "Public hearings reach only a small and similar group of residents; young people "
        "and families rarely take part in planning.",
        "company",
        "urban_planning_construction",
        ["espoon_keskus", "city_wide"],
        [11, 16],
        "Urban planning centre",
        "The map survey is adopted as a standard tool in master and local planning.",
        "Answers need a visible response: residents want to see how their input affected the plan.",
        "The survey got 2,300 answers, ten times more than the earlier hearing.",
        "Planners got located data that was easy to analyse.",
        "Residents could take part from home at any time.",
    ),
    (
        "fi",
        "Ikäihmisten virtuaalitodellisuusretket palvelutaloissa",
        "Palvelutalojen asukkaat tekevät ohjattuja virtuaaliretkiä lapsuutensa maisemiin ja "
        "Suomen luontokohteisiin VR-laseilla.",
        "Monet palvelutalojen asukkaat eivät pääse enää liikkumaan talon ulkopuolelle, mikä "
        "lisää yksinäisyyttä ja alakuloa.",
        "company",
        "health_social",
        ["tapiola", "espoonlahti"],
        [3, 10],
        "Vanhusten palvelut",
        "VR-retket jatkuvat palvelutalojen viriketoimintana.",
        "Lyhyet, ohjatut istunnot toimivat parhaiten; huimausta ehkäisi istuva asento.",
        "Asukkaat kuvasivat retkiä mieleenpainuviksi ja keskustelu lisääntyi.",
        "Viriketoimintaan saatiin uusi edullinen muoto.",
        "Asukkaat kokivat elämyksiä ja muistelivat yhdessä.",
    ),
    (
        "en",
        "Learning analytics for upper secondary school",
        "Teachers and students see weekly progress dashboards built from the learning "
        "platform's data, with early alerts of falling behind.",
        "Students who fall behind in upper secondary school are often noticed only at the "
        "end of a course, when help comes too late.",
        "research",
        "education",
        ["leppavaara"],
        [4],
        "Upper secondary education",
        "The dashboards are adopted in all of the city's upper secondary schools.",
        "Students must be involved in deciding what is shown; alerts work only when a "
        "named adult follows them up.",
        "Course drop-outs fell from 9 % to 6 % in the pilot groups.",
        "Guidance counsellors could target their time.",
        "Students saw their own progress and asked for help earlier.",
    ),
    (
        "fi",
        "Jätesäiliöiden täyttöasteen etämittaus",
        "Syväkeräyssäiliöihin asennetut anturit kertovat täyttöasteen, ja tyhjennysreitit "
        "suunnitellaan mittausten mukaan.",
        "Säiliöt tyhjennetään kiinteällä aikataululla: osa on puolityhjiä, osa tulvii yli "
        "viikonloppuisin.",
        "company",
        "environment_climate",
        ["matinkyla_olari", "espoonlahti"],
        [11, 12, 13],
        "Katu- ja viherpalvelut",
        "Etämittaus otetaan käyttöön kaikissa kaupungin syväkeräyspisteissä.",
        "Anturien kiinnitys ja talviolosuhteet vaativat suunnittelua; hyöty syntyy vasta "
        "reittisuunnittelun muutoksesta.",
        "Tyhjennyskäyntejä tarvittiin 28 % vähemmän.",
        "Kuljetuskustannukset ja päästöt pienenivät.",
        "Ylitäysiä säiliöitä ja roskaantumista oli vähemmän.",
    ),
    (
        "en",
        "Shared electric cars for city employees and residents",
        "City departments share electric cars on weekdays; on evenings and weekends the "
        "same cars are rented to residents through an app.",
        "The city's own cars stand unused most of the time while residents in new "
        "districts lack alternatives to owning a car.",
        "company",
        "mobility",
        ["leppavaara", "espoon_keskus"],
        [7, 11, 13],
        "Transport and mobility",
        "Shared electric cars replace part of the city's own car fleet.",
        "Booking rules must be simple; residents' use grew slowly and needed local marketing.",
        "The pilot cars were used 62 % of the time, the old pool cars 18 %.",
        "Fleet costs fell and emissions were cut.",
        "Residents got an affordable car when they needed one.",
    ),
    (
        "fi",
        "Nuorten e-urheilu nuorisotaloilla",
        "Nuorisotaloille perustetaan ohjattuja e-urheiluvuoroja, joissa pelaamiseen "
        "yhdistetään liikuntaa ja ryhmätaitoja.",
        "Osa nuorista ei käy nuorisotaloilla eikä harrasta mitään ohjattua, mutta pelaa "
        "paljon yksin kotona.",
        "community",
        "culture_sport",
        ["espoonlahti", "leppavaara"],
        [3, 4],
        "Nuorisopalvelut",
        "E-urheiluvuorot vakiinnutetaan nuorisotalojen toimintaan.",
        "Ohjaajan rooli ratkaisee: pelkkä pelaaminen ei tuo ryhmää yhteen.",
        "Vuoroille tuli 140 nuorta, joista puolet ei ollut käynyt nuorisotalolla aiemmin.",
        "Nuorisotyö tavoitti uusia nuoria.",
        "Nuoret saivat yhteisön ja säännöllisen harrastuksen.",
    ),
    (
        "en",
        "Smart street lighting on cycle routes",
        "Street lights on two main cycle routes dim when nobody is around and brighten "
        "when a cyclist or pedestrian approaches.",
        "Lighting cycle routes all night at full power costs energy, yet residents worry "
        "about safety if lights are simply switched off.",
        "company",
        "mobility",
        ["tapiola", "espoon_keskus"],
        [7, 11],
        "Street and park services",
        "Adaptive lighting will be installed when cycle route lighting is renewed.",
        "Residents must be told in advance; the brightening delay has to be short or "
        "the route feels unsafe.",
        "Energy use on the pilot routes fell by 55 %.",
        "Lower electricity costs and longer lamp life.",
        "Route users felt as safe as before.",
    ),
    (
        "fi",
        "Vertaisohjaus maahan muuttaneille yrittäjille",
        "Kokeneet maahan muuttaneet yrittäjät ohjaavat uusia yrittäjiä omalla kielellään "
        "digitaalisen alustan ja tapaamisten avulla.",
        "Maahan muuttaneet yrittäjät eivät löydä yrityspalveluita, eivätkä palvelut tavoita "
        "heitä suomeksi tai englanniksi.",
        "community",
        "business_employment",
        ["espoon_keskus", "espoonlahti"],
        [8, 10],
        "Elinkeino- ja yrityspalvelut",
        "Vertaisohjaus liitetään kaupungin yrityspalveluihin.",
        "Ohjaajien palkitseminen ja tunnustus pitävät toiminnan käynnissä.",
        "Pilotissa perustettiin 23 yritystä.",
        "Yrityspalvelut tavoittivat uusia asiakasryhmiä.",
        "Uudet yrittäjät saivat neuvoja omalla kielellään.",
    ),
    (
        "en",
        "Self-service check-in at the swimming hall",
        "Visitors check in with a mobile ticket or bank card at new gates, and the staff "
        "move from ticket sales to guidance in the pool area.",
        "Queues at the swimming hall cash desk are long at peak hours and the staff have "
        "little time to guide swimmers.",
        "resident",
        "culture_sport",
        ["leppavaara"],
        [3],
        "Sports and exercise services",
        "The pilot was discontinued: the gates did not work reliably with the existing "
        "ticket system.",
        "Integration with the old ticket system should have been tested before the pilot; "
        "a phased start would have revealed the problem earlier.",
        "Queues shortened only on days without system faults.",
        "The city learnt the requirements for the next ticket system.",
        "Mixed: quick entry on good days, confusion on bad ones.",
    ),
    (
        "fi",
        "Kotihoidon asiakkaiden etäkäynnit kuvapuhelulla",
        "Osa kotihoidon käynneistä, kuten lääkkeenoton muistutukset, tehdään kuvapuheluina "
        "helppokäyttöisellä laitteella.",
        "Kotihoidon työntekijöiden ajasta suuri osa kuluu siirtymiin, ja lyhyet "
        "tarkistuskäynnit sitovat resursseja.",
        "company",
        "health_social",
        ["city_wide"],
        [3, 10],
        "Kotihoito",
        "Etäkäynnit vakiinnutetaan kotihoidon palveluvalikoimaan.",
        "Asiakkaiden valinta etäkäynneille tehdään yhdessä asiakkaan ja omaisen kanssa.",
        "Siirtymiin kului 30 % vähemmän aikaa pilottitiimeissä.",
        "Henkilöstön aikaa vapautui hoitotyöhön.",
        "Käynnit toteutuivat täsmällisesti sovittuun aikaan.",
    ),
    (
        "en",
        "Open data interface for events and activities",
        "All events of the city and of associations are published through one open "
        "interface that anyone can use in their own services.",
        "Events are listed in many places, and residents and companies cannot find or "
        "reuse complete and up-to-date information.",
        "education",
        "administration_digital",
        ["city_wide"],
        [9, 17],
        "Communications and digital services",
        "The event interface is adopted and maintained as part of the city's open data.",
        "Associations publish only if it is easy: a simple form mattered more than the "
        "interface itself.",
        "Seven external services used the interface during the pilot.",
        "Duplicate publishing work decreased.",
        "Residents found events from one place.",
    ),
    (
        "fi",
        "Tekoälyavusteinen asiakasohjaus sosiaalipalveluissa",
        "Tekoäly ehdottaa sosiaalityöntekijälle palveluita asiakkaan tilanteen perusteella; "
        "päätökset tekee aina ihminen.",
        "Asiakkaat ohjautuvat palveluihin myöhään, ja oikean palvelun löytäminen vaatii "
        "useita yhteydenottoja.",
        "research",
        "health_social",
        ["espoon_keskus"],
        [1, 3, 10],
        "Sosiaali- ja terveyspalvelut",
        "Asiakasohjauksen tuki otetaan käyttöön aikuissosiaalityössä.",
        "Tietosuojan ja läpinäkyvyyden vaatimukset on ratkaistava ennen teknistä "
        "kehitystä; työntekijät luottivat malliin, kun sen perustelut näkyivät.",
        "Ehdotukset vastasivat työntekijän arviota 78 %:ssa tapauksista.",
        "Ohjaus nopeutui ja kirjaukset yhtenäistyivät.",
        "Asiakkaat saivat oikean palvelun aiemmin.",
    ),
    (
        "en",
        "Route guidance for visually impaired pedestrians",
        "Bluetooth beacons and a mobile app guide visually impaired pedestrians through a "
        "transport hub from the metro to bus platforms.",
        "Transport hubs change often during construction, and visually impaired travellers "
        "cannot rely on memorised routes.",
        "company",
        "mobility",
        ["matinkyla_olari"],
        [10, 11],
        "Transport and mobility",
        None,
        None,
        "Users reached the right platform in 9 of 10 test trips.",
        "Accessible guidance can follow construction changes quickly.",
        "Users travelled independently with more confidence.",
    ),
    (
        "fi",
        "Energiankulutuksen näkyväksi tekeminen päiväkodeissa",
        "Päiväkotien energian- ja vedenkulutus näytetään lapsille ja henkilökunnalle "
        "pelillisellä näkymällä, ja ryhmät kilpailevat säästöistä.",
        "Kaupungin kiinteistöjen energiankulutusta seurataan vain keskitetysti, eivätkä "
        "käyttäjät näe omien valintojensa vaikutusta.",
        "company",
        "environment_climate",
        ["espoonlahti", "tapiola"],
        [7, 12, 13],
        "Tilapalvelut",
        None,
        None,
        "Kulutus laski pilottipäiväkodeissa keskimäärin 11 %.",
        "Energiakustannukset pienenivät ilman investointeja.",
        "Lapset oppivat energiansäästöä leikin kautta.",
    ),
    (
        "en",
        "Neighbourhood tool library in a residents' park pavilion",
        "Residents borrow tools and garden equipment from a shared library run by "
        "volunteers in a park pavilion, booked online.",
        "Residents of new apartment blocks lack storage and rarely need drills or lawn "
        "tools, yet each household buys its own.",
        "resident",
        "environment_climate",
        ["espoonlahti"],
        [11, 12],
        "Residents' services",
        None,
        None,
        None,
        None,
        None,
    ),
)
